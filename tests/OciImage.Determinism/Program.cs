using System;
using System.IO;
using System.Runtime.InteropServices;
using OciImage.Determinism;

// OciImage.Determinism FIXTURE OUTPUT: one line per case, "NAME DIGEST DIFFID SIZE", after a line naming the runtime.
// OciImage.Determinism --fixture DIR: writes the fixture tree.
if (args.Length == 2 && args[0] == "--fixture")
{
    DeterminismCases.WriteFixture(args[1]);
    return 0;
}

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OciImage.Determinism FIXTURE OUTPUT | --fixture DIR");
    return 2;
}

Console.WriteLine($"# {RuntimeInformation.FrameworkDescription} {RuntimeInformation.ProcessArchitecture} cores={Environment.ProcessorCount}");
foreach (var (name, compression, level, encoder) in DeterminismCases.All())
{
    var output = Path.Combine(args[1], name);
    Console.WriteLine($"{name} {DeterminismCases.Build(args[0], output, compression, level, encoder)}");
}

return 0;
