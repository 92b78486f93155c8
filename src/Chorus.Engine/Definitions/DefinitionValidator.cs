namespace Chorus.Engine.Definitions;

/// <summary>Checks what the parser cannot: the graph, the step types, their config and expressions.</summary>
internal static partial class DefinitionValidator
{
    public static IReadOnlyList<DefinitionError> Validate(WorkflowDefinition definition, IStepConfigChecks steps)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(steps);

        // Every problem is collected so the editor can show them all at once.
        var errors = new List<DefinitionError>();
        var byId = IndexSteps(definition, errors);
        CheckTargets(definition, byId, errors);
        CheckReachability(definition, byId, errors);
        CheckCycles(definition, byId, errors);
        CheckSchema(definition, errors);
        CheckDurations(definition, errors);
        CheckTests(definition, byId, errors);
        foreach (var step in definition.Steps)
            steps.Check(step, errors);
        // A handler may check the same thing the validator does (e.g. a condition's operator).
        return errors.Distinct().ToList();
    }

    private static Dictionary<string, StepDefinition> IndexSteps(WorkflowDefinition definition, List<DefinitionError> errors)
    {
        var steps = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            if (!steps.TryAdd(step.Id, step))
                errors.Add(new DefinitionError(step.Id, "id", $"Step id '{step.Id}' is used by more than one step."));
        }
        if (definition.Steps.Count == 0)
            errors.Add(new DefinitionError(null, "steps", "A workflow needs at least one step."));
        return steps;
    }

    private static void CheckTargets(WorkflowDefinition definition, Dictionary<string, StepDefinition> steps,
        List<DefinitionError> errors)
    {
        if (definition.StartAt is { } startAt && !steps.ContainsKey(startAt))
            errors.Add(new DefinitionError(null, "start_at", $"'start_at' names step '{startAt}', which does not exist."));
        foreach (var step in definition.Steps)
        {
            var routes = StepRoutes.Success(step);
            if (step.OnError is { } onError)
                routes = routes.Append(new StepRoutes.Route("on_error", onError));
            foreach (var route in routes)
            {
                if (!steps.ContainsKey(route.Target))
                    errors.Add(new DefinitionError(step.Id, route.Field, $"'{route.Field}' names step '{route.Target}', which does not exist."));
            }
        }
    }

    /// <summary>Success and error edges to steps that exist, deduplicated, in declaration order.</summary>
    private static IEnumerable<string> Edges(StepDefinition step, Dictionary<string, StepDefinition> steps)
    {
        var targets = StepRoutes.Success(step).Select(r => r.Target);
        if (step.OnError is { } onError)
            targets = targets.Append(onError);
        return targets.Where(steps.ContainsKey).Distinct(StringComparer.Ordinal);
    }

    private static void CheckReachability(WorkflowDefinition definition, Dictionary<string, StepDefinition> steps,
        List<DefinitionError> errors)
    {
        if (definition.Steps.Count == 0)
            return;
        var start = definition.StartAt ?? definition.Steps[0].Id;
        // With a bad start_at every step would look unreachable; the start_at error already says enough.
        if (!steps.TryGetValue(start, out var startStep))
            return;

        var reached = new HashSet<string>(StringComparer.Ordinal) { start };
        var pending = new Queue<StepDefinition>([startStep]);
        while (pending.TryDequeue(out var step))
        {
            foreach (var target in Edges(step, steps))
                if (reached.Add(target))
                    pending.Enqueue(steps[target]);
        }
        foreach (var step in steps.Values)
        {
            // Comments annotate the canvas and are never run, so they may float free.
            if (!reached.Contains(step.Id) && step.Type != WorkflowGraph.CommentType)
                errors.Add(new DefinitionError(step.Id, "id", $"Step is not reachable from the start step '{start}'."));
        }
    }

    /// <summary>Chorus has no back-edges (loops are the foreach step), so any cycle is an error. Iterative
    /// depth-first search: each back edge found closes one cycle, reported on the step it leaves from.</summary>
    private static void CheckCycles(WorkflowDefinition definition, Dictionary<string, StepDefinition> steps,
        List<DefinitionError> errors)
    {
        var state = new Dictionary<string, VisitState>(StringComparer.Ordinal);
        foreach (var root in definition.Steps.Select(s => s.Id))
        {
            if (state.ContainsKey(root))
                continue;
            var path = new List<string>();
            var stack = new Stack<(string Id, IEnumerator<string> Edges)>();
            Enter(root);
            while (stack.Count > 0)
            {
                var (id, edges) = stack.Peek();
                if (!edges.MoveNext())
                {
                    state[id] = VisitState.Done;
                    path.RemoveAt(path.Count - 1);
                    stack.Pop();
                    continue;
                }
                var target = edges.Current;
                if (!state.TryGetValue(target, out var seen))
                    Enter(target);
                else if (seen == VisitState.OnPath)
                {
                    var cycle = path.Skip(path.IndexOf(target)).Append(target);
                    errors.Add(new DefinitionError(id, "next",
                        $"Steps form a cycle: {string.Join(" -> ", cycle)}. Use a foreach step to repeat work."));
                }
            }

            void Enter(string id)
            {
                state[id] = VisitState.OnPath;
                path.Add(id);
                stack.Push((id, Edges(steps[id], steps).GetEnumerator()));
            }
        }
    }

    private enum VisitState { OnPath, Done }
}
