using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace CniBox.Tests.Support;

/// <summary>A type's name as metadata gives it: the namespace of its outermost type, and Outer+Inner.</summary>
public readonly record struct TypeName(string Namespace, string FullName)
{
    public override string ToString() => FullName;
}

/// <summary>One type of an assembly and one type it refers to.</summary>
public readonly record struct TypeReference(TypeName Type, TypeName Referenced)
{
    public override string ToString() => $"{Type} -> {Referenced}";
}

/// <summary>
/// Every type that each type of a compiled assembly refers to, read from its metadata (no type is loaded): base type,
/// interfaces, generic constraints, field/property/event/method signatures, custom attributes (constructor and
/// <c>typeof</c> arguments), and method bodies (every token in the IL, locals, catch clauses). Nested and
/// compiler-generated types (closures, lambdas' <c>&lt;&gt;c</c>, state machines) are types of their own.
/// </summary>
public static class TypeReferences
{
    public static IReadOnlyList<TypeReference> Of(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var md = pe.GetMetadataReader();
        var result = new List<TypeReference>();
        foreach (var handle in md.TypeDefinitions)
        {
            var collector = new Collector(pe, md);
            collector.AddTypeMembers(handle);
            var self = Names.Of(md, handle);
            result.AddRange(collector.Found.Select(referenced => new TypeReference(self, referenced)));
        }
        return result;
    }

    private sealed class Collector(PEReader pe, MetadataReader md) : ISignatureTypeProvider<TypeName, object?>, ICustomAttributeTypeProvider<TypeName>
    {
        private static readonly TypeName SystemType = new("System", "System.Type");

        public HashSet<TypeName> Found { get; } = [];

        public void AddTypeMembers(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            Add(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations()) Add(md.GetInterfaceImplementation(i).Interface);
            AddGenericParameters(type.GetGenericParameters());
            AddAttributes(type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                field.DecodeSignature(this, null);
                AddAttributes(field.GetCustomAttributes());
            }
            foreach (var p in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(p);
                property.DecodeSignature(this, null);
                AddAttributes(property.GetCustomAttributes());
            }
            foreach (var e in type.GetEvents())
            {
                var ev = md.GetEventDefinition(e);
                Add(ev.Type);
                AddAttributes(ev.GetCustomAttributes());
            }
            foreach (var m in type.GetMethods()) AddMethod(md.GetMethodDefinition(m));
        }

        private void AddMethod(MethodDefinition method)
        {
            method.DecodeSignature(this, null);
            AddAttributes(method.GetCustomAttributes());
            AddGenericParameters(method.GetGenericParameters());
            foreach (var p in method.GetParameters()) AddAttributes(md.GetParameter(p).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0) return;
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil) md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(this, null);
            foreach (var region in body.ExceptionRegions)
                if (!region.CatchType.IsNil) Add(region.CatchType);
            AddIl(body.GetILReader());
        }

        private void AddIl(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                var code = il.ReadByte();
                var opCode = code == 0xfe ? Il.TwoByte[il.ReadByte()] : Il.OneByte[code];
                switch (opCode.OperandType)
                {
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok or OperandType.InlineSig:
                        Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    default:
                        il.Offset += Il.OperandSize(opCode.OperandType);
                        break;
                }
            }
        }

        private void AddGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var g in parameters)
            {
                var parameter = md.GetGenericParameter(g);
                AddAttributes(parameter.GetCustomAttributes());
                foreach (var c in parameter.GetConstraints()) Add(md.GetGenericParameterConstraint(c).Type);
            }
        }

        private void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                var attribute = md.GetCustomAttribute(a);
                Add(attribute.Constructor);
                attribute.DecodeValue(this);
            }
        }

        private void Add(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition or HandleKind.TypeReference:
                    Found.Add(Names.Of(md, handle));
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    Add(method.GetDeclaringType());
                    method.DecodeSignature(this, null);
                    break;
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    Add(field.GetDeclaringType());
                    field.DecodeSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method) signature.DecodeMethodSignature(this, null);
                    else signature.DecodeLocalSignature(this, null);
                    break;
            }
        }

        // Signature decoding calls back here for every named type in a signature; only those are collected.
        public TypeName GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Collect(Names.Of(reader, handle));
        public TypeName GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Collect(Names.Of(reader, handle));
        public TypeName GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public TypeName GetTypeFromSerializedName(string name) => Collect(Names.FromSerialized(name));
        public TypeName GetPrimitiveType(PrimitiveTypeCode typeCode) => new("System", "System." + typeCode);
        public TypeName GetSystemType() => SystemType;
        public bool IsSystemType(TypeName type) => type == SystemType;
        public TypeName GetSZArrayType(TypeName elementType) => elementType;
        public TypeName GetArrayType(TypeName elementType, ArrayShape shape) => elementType;
        public TypeName GetByReferenceType(TypeName elementType) => elementType;
        public TypeName GetPointerType(TypeName elementType) => elementType;
        public TypeName GetPinnedType(TypeName elementType) => elementType;
        public TypeName GetModifiedType(TypeName modifier, TypeName unmodifiedType, bool isRequired) => unmodifiedType;
        public TypeName GetGenericInstantiation(TypeName genericType, ImmutableArray<TypeName> typeArguments) => genericType;
        public TypeName GetGenericMethodParameter(object? context, int index) => new("", "!!" + index);
        public TypeName GetGenericTypeParameter(object? context, int index) => new("", "!" + index);
        public TypeName GetFunctionPointerType(MethodSignature<TypeName> signature) => new("", "method*");

        /// <summary>An enum argument of an attribute: its underlying type, from our metadata or a loaded assembly.</summary>
        public PrimitiveTypeCode GetUnderlyingEnumType(TypeName type)
        {
            foreach (var handle in md.TypeDefinitions)
            {
                if (Names.Of(md, handle) != type) continue;
                foreach (var f in md.GetTypeDefinition(handle).GetFields())
                {
                    var field = md.GetFieldDefinition(f);
                    if ((field.Attributes & FieldAttributes.Static) == 0)
                        return Enum.Parse<PrimitiveTypeCode>(field.DecodeSignature(this, null).FullName["System.".Length..]);
                }
            }
            var loaded = AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(type.FullName)).FirstOrDefault(t => t is { IsEnum: true })
                ?? throw new InvalidOperationException($"enum {type} of an attribute argument is neither in the assembly nor loaded");
            return Enum.Parse<PrimitiveTypeCode>(Enum.GetUnderlyingType(loaded).Name);
        }

        private TypeName Collect(TypeName name)
        {
            Found.Add(name);
            return name;
        }
    }

    private static class Names
    {
        public static TypeName Of(MetadataReader md, EntityHandle handle) => handle.Kind == HandleKind.TypeDefinition
            ? Of(md, (TypeDefinitionHandle)handle)
            : Of(md, (TypeReferenceHandle)handle);

        public static TypeName Of(MetadataReader md, TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                var outer = Of(md, declaring);
                return outer with { FullName = outer.FullName + "+" + md.GetString(type.Name) };
            }
            return Named(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        public static TypeName Of(MetadataReader md, TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                var outer = Of(md, (TypeReferenceHandle)type.ResolutionScope);
                return outer with { FullName = outer.FullName + "+" + md.GetString(type.Name) };
            }
            return Named(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        /// <summary>A <c>typeof</c> argument as the attribute blob holds it: "Ns.Outer+Inner[, Assembly, ...]".</summary>
        public static TypeName FromSerialized(string serialized)
        {
            int depth = 0, end = serialized.Length;
            for (var i = 0; i < serialized.Length && end == serialized.Length; i++)
            {
                if (serialized[i] == '[') depth++;
                else if (serialized[i] == ']') depth--;
                else if (serialized[i] == ',' && depth == 0) end = i;
            }
            var fullName = serialized[..end].Trim();
            var outer = fullName.Split('+', '[')[0];
            var dot = outer.LastIndexOf('.');
            return new TypeName(dot < 0 ? "" : outer[..dot], fullName);
        }

        private static TypeName Named(string ns, string name) => new(ns, ns.Length == 0 ? name : ns + "." + name);
    }

    /// <summary>The IL opcode table (operand kinds), from System.Reflection.Emit.</summary>
    private static class Il
    {
        public static readonly OpCode[] OneByte = new OpCode[0x100];
        public static readonly OpCode[] TwoByte = new OpCode[0x100];

        static Il()
        {
            foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var op = (OpCode)field.GetValue(null)!;
                var value = (ushort)op.Value;
                if (op.Size == 1) OneByte[value] = op;
                else TwoByte[value & 0xff] = op;
            }
        }

        public static int OperandSize(OperandType type) => type switch
        {
            OperandType.InlineNone => 0,
            OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
            OperandType.InlineVar => 2,
            OperandType.InlineI8 or OperandType.InlineR => 8,
            _ => 4, // InlineBrTarget, InlineI, ShortInlineR, InlineString (a user-string token: no type)
        };
    }
}
