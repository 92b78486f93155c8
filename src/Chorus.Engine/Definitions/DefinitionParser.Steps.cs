using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chorus.Engine.Definitions;

internal static partial class DefinitionParser
{
    internal const int MaxIdLength = 100;
    private const int MaxAttemptsLimit = 100;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex StepIdPattern();

    internal static bool IsValidStepId(string id) => StepIdPattern().IsMatch(id);

    private static StepDefinition? ReadStep(JsonNode? node, int index, List<DefinitionError> errors)
    {
        var byIndex = new Location(null, $"steps[{index}].");
        if (node is not JsonObject obj)
        {
            errors.Add(new DefinitionError(null, $"steps[{index}]", $"A step must be an object, not {Describe(node)}."));
            return null;
        }

        var before = errors.Count;
        var id = ReadString(obj, "id", byIndex, errors, int.MaxValue, allowEmpty: true);
        if (id is null && errors.Count == before)
            errors.Add(byIndex.Error("id", "A step needs an id."));
        else if (id is not null && !IsValidStepId(id))
        {
            errors.Add(byIndex.Error("id", $"A step id is 1-{MaxIdLength} letters, digits, '_' or '-'."));
            id = null;
        }
        // Without a usable id the remaining errors still get reported, located by the step's index.
        var at = id is null ? byIndex : new Location(id, "");

        RefuseUnknownFields(obj, StepFields, at, errors);
        var name = ReadString(obj, "name", at, errors, MaxNameLength, allowEmpty: false);
        var type = ReadString(obj, "type", at, errors, MaxIdLength, allowEmpty: false);
        if (type is null && obj["type"] is null)
            errors.Add(at.Error("type", "A step needs a type."));
        var config = ReadObject(obj, "config", at, errors);
        var next = ReadString(obj, "next", at, errors, MaxIdLength, allowEmpty: false);
        var nextSteps = ReadIdList(obj, "next_steps", at, errors);
        var conditions = ReadConditions(obj, at, errors);
        var retry = ReadRetry(obj, at, errors);
        var timeout = ReadDuration(obj, "timeout", at, errors);
        var onError = ReadString(obj, "on_error", at, errors, MaxIdLength, allowEmpty: false);

        if (id is null || type is null)
            return null;
        return new StepDefinition
        {
            Id = id,
            Name = name ?? id,
            Type = type,
            Config = config ?? [],
            Next = next,
            NextSteps = nextSteps,
            Conditions = conditions,
            Retry = retry,
            Timeout = timeout,
            OnError = onError,
        };
    }

    private static List<string> ReadIdList(JsonObject obj, string key, Location at, List<DefinitionError> errors)
    {
        var ids = new List<string>();
        var node = obj[key];
        if (node is null)
            return ids;
        if (node is not JsonArray array)
        {
            errors.Add(at.Error(key, $"'{key}' must be an array of step ids, not {Describe(node)}."));
            return ids;
        }
        for (var i = 0; i < array.Count; i++)
        {
            var item = array[i];
            if (item is null || item.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetValue<string>()))
                errors.Add(at.Error($"{key}[{i}]", $"'{key}[{i}]' must be a step id, not {Describe(item)}."));
            else if (item.GetValue<string>().Length > MaxIdLength)
                errors.Add(at.Error($"{key}[{i}]", $"'{key}[{i}]' must be at most {MaxIdLength} characters."));
            else
                ids.Add(item.GetValue<string>());
        }
        return ids;
    }

    private static JsonArray? ReadConditions(JsonObject obj, Location at, List<DefinitionError> errors)
    {
        var node = obj["conditions"];
        if (node is null)
            return null;
        if (node is not JsonArray array)
        {
            errors.Add(at.Error("conditions", $"'conditions' must be an array of objects, not {Describe(node)}."));
            return null;
        }
        var ok = true;
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject)
            {
                errors.Add(at.Error($"conditions[{i}]", $"A condition must be an object, not {Describe(array[i])}."));
                ok = false;
            }
        }
        return ok ? Detach(array, "conditions", at, errors) as JsonArray : null;
    }

    private static RetryPolicy? ReadRetry(JsonObject obj, Location at, List<DefinitionError> errors)
    {
        var node = obj["retry"];
        if (node is null)
            return null;
        if (node is not JsonObject retry)
        {
            errors.Add(at.Error("retry", $"'retry' must be an object, not {Describe(node)}."));
            return null;
        }

        var policy = new RetryPolicy();
        var inner = at with { Prefix = at.Prefix + "retry." };
        RefuseUnknownFields(retry, RetryFields, inner, errors);
        if (retry["max_attempts"] is { } attemptsNode)
        {
            if (attemptsNode.GetValueKind() != JsonValueKind.Number
                || !Durations.TryReadNumber(attemptsNode, out var attempts)
                || attempts != Math.Floor(attempts) || attempts < 1 || attempts > MaxAttemptsLimit)
                errors.Add(inner.Error("max_attempts", $"'max_attempts' must be a whole number from 1 to {MaxAttemptsLimit}."));
            else
                policy = policy with { MaxAttempts = (int)attempts };
        }
        if (ReadDuration(retry, "initial_interval", inner, errors) is { } initial)
            policy = policy with { InitialInterval = initial };
        if (retry["backoff_coefficient"] is { } backoffNode)
        {
            if (backoffNode.GetValueKind() != JsonValueKind.Number
                || !Durations.TryReadNumber(backoffNode, out var backoff) || backoff < 1 || backoff > 100)
                errors.Add(inner.Error("backoff_coefficient", "'backoff_coefficient' must be a number from 1 to 100."));
            else
                policy = policy with { BackoffCoefficient = backoff };
        }
        if (retry["jitter"] is { } jitterNode)
        {
            if (jitterNode.GetValueKind() != JsonValueKind.Number
                || !Durations.TryReadNumber(jitterNode, out var jitter) || jitter < 0 || jitter > 1)
                errors.Add(inner.Error("jitter", "'jitter' must be a number from 0 to 1 (the share of each delay that may be taken off at random)."));
            else
                policy = policy with { Jitter = jitter };
        }
        if (ReadDuration(retry, "max_interval", inner, errors) is { } max)
        {
            if (max < policy.InitialInterval)
                errors.Add(inner.Error("max_interval", "'max_interval' must not be shorter than 'initial_interval'."));
            else
                policy = policy with { MaxInterval = max };
        }
        else if (policy.InitialInterval > policy.MaxInterval)
            policy = policy with { MaxInterval = policy.InitialInterval };
        return policy;
    }
}
