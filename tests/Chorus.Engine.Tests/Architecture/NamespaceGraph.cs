using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Chorus.Engine.Tests.Architecture;

/// <summary>Which namespace of an assembly uses which, read from its metadata: base types, interfaces,
/// fields, method signatures, locals and every type, method and field token in the method bodies. Only
/// types defined in the assembly count, so the graph is the assembly's own namespaces.</summary>
internal sealed class NamespaceGraph
{
    /// <summary>From namespace, to namespace, and one example "Type -> Type" that makes the edge.</summary>
    public Dictionary<(string From, string To), string> Edges { get; } = [];

    public static NamespaceGraph Read(string assemblyPath, string namespacePrefix)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var graph = new NamespaceGraph();
        foreach (var handle in reader.TypeDefinitions)
        {
            var from = NamespaceOf(reader, handle);
            if (!from.StartsWith(namespacePrefix, StringComparison.Ordinal))
                continue;
            var used = new HashSet<TypeDefinitionHandle>();
            new TypeUses(reader, pe, used).Collect(handle);
            foreach (var target in used)
            {
                var to = NamespaceOf(reader, target);
                if (to != from && to.StartsWith(namespacePrefix, StringComparison.Ordinal))
                    graph.Edges.TryAdd((from, to), $"{NameOf(reader, handle)} -> {NameOf(reader, target)}");
            }
        }
        return graph;
    }

    /// <summary>The groups of namespaces that reach each other (strongly connected components of two or more).</summary>
    public List<List<string>> Cycles()
    {
        var next = Edges.Keys.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).ToList());
        var nodes = Edges.Keys.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next.GetValueOrDefault(v) ?? [])
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                    low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v])
                return;
            var component = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                component.Add(x);
            } while (x != v);
            if (component.Count > 1)
                result.Add(component.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var node in nodes)
            if (!index.ContainsKey(node))
                Visit(node);
        return result;
    }

    private static string NamespaceOf(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil ? reader.GetString(type.Namespace) : NamespaceOf(reader, declaring);
    }

    private static string NameOf(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil ? reader.GetString(type.Name) : NameOf(reader, declaring);
    }

    /// <summary>Collects the types one type definition (and its nested types) uses.</summary>
    private sealed class TypeUses(MetadataReader reader, PEReader pe, HashSet<TypeDefinitionHandle> used)
        : ISignatureTypeProvider<int, object?>
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (OpCode)f.GetValue(null)!)
            .ToDictionary(o => o.Value);

        public void Collect(TypeDefinitionHandle handle)
        {
            var type = reader.GetTypeDefinition(handle);
            AddType(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
                AddType(reader.GetInterfaceImplementation(i).Interface);
            foreach (var a in type.GetCustomAttributes())
                AddMember(reader.GetCustomAttribute(a).Constructor);
            foreach (var f in type.GetFields())
                reader.GetFieldDefinition(f).DecodeSignature(this, null);
            foreach (var p in type.GetProperties())
                reader.GetPropertyDefinition(p).DecodeSignature(this, null);
            foreach (var m in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(m);
                method.DecodeSignature(this, null);
                foreach (var a in method.GetCustomAttributes())
                    AddMember(reader.GetCustomAttribute(a).Constructor);
                if (method.RelativeVirtualAddress != 0)
                    ReadBody(pe.GetMethodBody(method.RelativeVirtualAddress));
            }
        }

        private void ReadBody(MethodBodyBlock body)
        {
            if (!body.LocalSignature.IsNil)
                reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            foreach (var region in body.ExceptionRegions)
                if (!region.CatchType.IsNil)
                    AddType(region.CatchType);
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                short value = il.ReadByte();
                if (value == 0xFE)
                    value = unchecked((short)(0xFE00 | il.ReadByte()));
                var opCode = OpCodesByValue[value];
                switch (opCode.OperandType)
                {
                    case OperandType.InlineNone: break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                    case OperandType.InlineVar: il.Offset += 2; break;
                    case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                    case OperandType.InlineSwitch:
                        // The count first: "il.Offset += 4 * il.ReadInt32()" would add to the offset before the read.
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                        var token = il.ReadInt32();
                        AddToken(MetadataTokens.EntityHandle(token));
                        break;
                    default: il.Offset += 4; break; // InlineI, InlineBrTarget, InlineString, InlineSig, ShortInlineR
                }
            }
        }

        private void AddToken(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification:
                    AddType(handle);
                    break;
                case HandleKind.FieldDefinition:
                    used.Add(reader.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                default:
                    AddMember(handle);
                    break;
            }
        }

        private void AddMember(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    var method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                    used.Add(method.GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                    AddType(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                        member.DecodeMethodSignature(this, null);
                    else
                        member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                    AddMember(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        private void AddType(EntityHandle handle)
        {
            if (handle.IsNil)
                return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: used.Add((TypeDefinitionHandle)handle); break;
                case HandleKind.TypeSpecification:
                    reader.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition or HandleKind.MemberReference: AddMember(handle); break;
            }
        }

        public int GetTypeFromDefinition(MetadataReader r, TypeDefinitionHandle handle, byte rawTypeKind) { used.Add(handle); return 0; }
        public int GetTypeFromReference(MetadataReader r, TypeReferenceHandle handle, byte rawTypeKind) => 0;
        public int GetTypeFromSpecification(MetadataReader r, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            r.GetTypeSpecification(handle).DecodeSignature(this, context);
            return 0;
        }
        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;
        public int GetSZArrayType(int elementType) => 0;
        public int GetArrayType(int elementType, ArrayShape shape) => 0;
        public int GetByReferenceType(int elementType) => 0;
        public int GetPointerType(int elementType) => 0;
        public int GetPinnedType(int elementType) => 0;
        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;
        public int GetGenericMethodParameter(object? context, int index) => 0;
        public int GetGenericTypeParameter(object? context, int index) => 0;
        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;
        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
    }
}
