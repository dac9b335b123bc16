namespace CniBox.Fuzz;

/// <summary>The body every engine feeds: one input, any exception it lets out is a finding.</summary>
public delegate void FuzzBody(ReadOnlySpan<byte> input);

/// <summary>
/// One fuzz target: a product parser behind a body that absorbs the failures the product means to raise (a
/// <c>CniException</c> for CNI input, an <c>InvalidDataException</c> for kernel replies), so that anything else
/// (an index out of range, a null dereference, an overflow, a stack overflow, a hang) surfaces as a finding.
/// <see cref="Binary"/> picks the mutation dictionary: JSON and text tokens, or netlink lengths and types.
/// </summary>
public sealed record Harness(string Name, bool Binary, FuzzBody Body);
