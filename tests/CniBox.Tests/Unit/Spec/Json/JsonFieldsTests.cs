using System.Text;
using System.Text.Json;
using CniBox.Spec;
using CniBox.Spec.Config;
using CniBox.Spec.Json;
using CniBox.Spec.Results;
using CniBox.Spec.Skeleton;

namespace CniBox.Tests.Unit.Spec.Json;

public class JsonFieldsTests
{
    private static JsonFields Obj(string json) => JsonFields.Root(JsonDocument.Parse(json).RootElement, "types.NetConf");

    private static string Error(Action read) => Assert.Throws<GoJsonException>(read)!.Message;

    // Debian's Go loopback plugin rejects {"name":"ok","Name":"bad/x"} with "invalid characters found in network
    // name": every key is applied in order, so the last key that folds to the field wins.
    [TestCase("""{"name":"a","Name":"b"}""", "b")]
    [TestCase("""{"Name":"b","name":"a"}""", "a")]
    [TestCase("""{"NAME":"x"}""", "x")]
    [TestCase("""{"nAmE":"x","other":"y"}""", "x")]
    [TestCase("""{"n\u0061me":"escaped"}""", "escaped")]
    [TestCase("""{"na\u017Fme":"no"}""", null)]
    [TestCase("""{"names":"no","nam":"no"}""", null)]
    [TestCase("""{"name":"a","Name":null}""", "a")]
    [TestCase("""{"name":null}""", null)]
    [TestCase("{}", null)]
    public void KeysFoldAndTheLastNonNullWins(string json, string? expected) =>
        Assert.That(Obj(json).String("name"), Is.EqualTo(expected));

    [Test]
    public void SkelNameCheckSeesTheKeyGoSees()
    {
        var e = Assert.Throws<CniException>(() => ConfigHeader.Parse(Encoding.UTF8.GetBytes("""{"name":"ok","Name":"bad/x"}""")));
        Assert.That((e!.Code, e.Msg), Is.EqualTo((ErrorCode.InvalidNetworkConfig, "invalid characters found in network name")));
        Assert.That(ConfigHeader.Parse(Encoding.UTF8.GetBytes("""{"NAME":"n","CNIVERSION":"0.4.0"}""")), Is.EqualTo(new ConfigHeader("n", "0.4.0", null)));
    }

    [Test]
    public void GoFoldsLongSAndDotlessI() =>
        Assert.That((Obj("""{"\u017Fubnet":"a"}""").String("subnet"), Obj("""{"\u0131pam":"b"}""").String("ipam")), Is.EqualTo(("a", "b")));

    [Test]
    public void HostPortStyleKeysMatchAnyCase()
    {
        var f = Obj("""{"hostport":1,"containerPort":2,"HOSTIP":"10.0.0.1"}""");
        Assert.That((f.Int("hostPort"), f.Int("containerPort"), f.String("hostIP")), Is.EqualTo(((int?)1, (int?)2, "10.0.0.1")));
    }

    [Test]
    public void TypedGettersReadTheirTypes()
    {
        var f = Obj("""{"s":"x","t":true,"f":false,"i":-7,"u":4294967295,"l":9007199254740993,"list":["a",null,"b"],"caps":{"mac":true,"ips":false,"x":null}}""");
        Assert.That((f.String("s"), f.Bool("t"), f.Bool("f"), f.Int("i"), f.UInt("u"), f.Long("l")),
            Is.EqualTo(("x", (bool?)true, (bool?)false, (int?)-7, (uint?)4294967295u, (long?)9007199254740993L)));
        Assert.That(f.StringList("list"), Is.EqualTo(new[] { "a", "", "b" }));
        Assert.That(f.BoolMap("caps"), Is.EqualTo(new Dictionary<string, bool> { ["mac"] = true, ["ips"] = false, ["x"] = false }));
    }

    [Test]
    public void NullAndMissingAreAbsentForEveryGetter()
    {
        var f = Obj("""{"s":null,"b":null,"i":null,"l":null,"o":null,"a":null,"m":null,"r":null}""");
        Assert.That(f.String("s") ?? f.String("missing"), Is.Null);
        Assert.That((f.Bool("b"), f.Int("i"), f.UInt("i"), f.Long("i")), Is.EqualTo(((bool?)null, (int?)null, (uint?)null, (long?)null)));
        Assert.That(f.StringList("l"), Is.Null);
        Assert.That(f.Object("o", "types.DNS").Exists, Is.False);
        Assert.That(f.Object("o", "types.DNS").String("domain"), Is.Null);
        Assert.That(f.Objects("a", "[]*types.Route"), Is.Empty);
        Assert.That(f.BoolMap("m"), Is.Null);
        Assert.That(f.Raw("r"), Is.Null);
    }

    [TestCase("""{"f":1}""", "String", "json: cannot unmarshal number into Go struct field NetConf.f of type string")]
    [TestCase("""{"f":{}}""", "String", "json: cannot unmarshal object into Go struct field NetConf.f of type string")]
    [TestCase("""{"f":"true"}""", "Bool", "json: cannot unmarshal string into Go struct field NetConf.f of type bool")]
    [TestCase("""{"f":1.5}""", "Int", "json: cannot unmarshal number 1.5 into Go struct field NetConf.f of type int")]
    [TestCase("""{"f":1e3}""", "Int", "json: cannot unmarshal number 1e3 into Go struct field NetConf.f of type int")]
    [TestCase("""{"f":2147483648}""", "Int", "json: cannot unmarshal number 2147483648 into Go struct field NetConf.f of type int")]
    [TestCase("""{"f":"1"}""", "Int", "json: cannot unmarshal string into Go struct field NetConf.f of type int")]
    [TestCase("""{"f":-1}""", "UInt", "json: cannot unmarshal number -1 into Go struct field NetConf.f of type uint")]
    [TestCase("""{"f":9223372036854775808}""", "Long", "json: cannot unmarshal number 9223372036854775808 into Go struct field NetConf.f of type int64")]
    [TestCase("""{"f":[true]}""", "Long", "json: cannot unmarshal array into Go struct field NetConf.f of type int64")]
    [TestCase("""{"f":"a"}""", "StringList", "json: cannot unmarshal string into Go struct field NetConf.f of type []string")]
    [TestCase("""{"f":["a",1]}""", "StringList", "json: cannot unmarshal number into Go struct field NetConf.f of type string")]
    [TestCase("""{"f":[]}""", "BoolMap", "json: cannot unmarshal array into Go struct field NetConf.f of type map[string]bool")]
    [TestCase("""{"f":{"mac":"yes"}}""", "BoolMap", "json: cannot unmarshal string into Go struct field NetConf.f of type bool")]
    [TestCase("""{"f":5}""", "Object", "json: cannot unmarshal number into Go struct field NetConf.f of type types.IPAM")]
    [TestCase("""{"f":{}}""", "Objects", "json: cannot unmarshal object into Go struct field NetConf.f of type []*types.Route")]
    [TestCase("""{"f":["x"]}""", "Objects", "json: cannot unmarshal string into Go struct field NetConf.f of type types.Route")]
    public void WrongTypesThrowGoMessages(string json, string getter, string message)
    {
        var f = Obj(json);
        Action read = getter switch
        {
            "String" => () => f.String("f"),
            "Bool" => () => f.Bool("f"),
            "Int" => () => f.Int("f"),
            "UInt" => () => f.UInt("f"),
            "Long" => () => f.Long("f"),
            "StringList" => () => f.StringList("f"),
            "BoolMap" => () => f.BoolMap("f"),
            "Object" => () => f.Object("f", "types.IPAM"),
            _ => () => f.Objects("f", "[]*types.Route"),
        };
        Assert.That(Error(read), Is.EqualTo(message));
    }

    [Test]
    public void NestedObjectsNameTheInnermostStructAndTheFullPath()
    {
        var f = Obj("""{"ipam":{"Type":"host-local","ranges":[[{"subnet":"10.0.0.0/8"}]],"routes":[{"dst":"0.0.0.0/0","mtu":"x"}]},"dns":{"nameservers":[1]}}""");
        var ipam = f.Object("ipam", "types.IPAM");
        Assert.That((ipam.Exists, ipam.String("type")), Is.EqualTo((true, "host-local")));
        var route = ipam.Objects("routes", "[]*types.Route").Single();
        Assert.That(route.String("dst"), Is.EqualTo("0.0.0.0/0"));
        Assert.That(Error(() => route.Int("mtu")), Is.EqualTo("json: cannot unmarshal string into Go struct field Route.ipam.routes.mtu of type int"));
        Assert.That(Error(() => f.Object("dns", "types.DNS").StringList("nameservers")),
            Is.EqualTo("json: cannot unmarshal number into Go struct field DNS.dns.nameservers of type string"));
        Assert.That(ipam.Raw("ranges")!.Value[0][0].GetProperty("subnet").GetString(), Is.EqualTo("10.0.0.0/8"));
    }

    [Test]
    public void ObjectsKeepNullEntriesAsAbsent() =>
        Assert.That(Obj("""{"a":[{"x":1},null]}""").Objects("a", "[]*T").Select(o => o.Exists), Is.EqualTo(new[] { true, false }));

    [TestCase("[]", "array")]
    [TestCase("\"s\"", "string")]
    [TestCase("5", "number")]
    [TestCase("true", "bool")]
    public void ANonObjectRootIsAGoValueError(string json, string kind) =>
        Assert.That(Error(() => Obj(json)), Is.EqualTo($"json: cannot unmarshal {kind} into Go value of type types.NetConf"));

    [Test]
    public void NullRootIsAnAbsentObject() => Assert.That(Obj("null").Exists, Is.False);

    [Test]
    public void UnknownCollectsKeysMatchingNoField()
    {
        var extra = Obj("""{"Name":"n","bridge":"cni0","x":null,"bridge":"br1"}""").Unknown(["name", "type"]);
        Assert.That(extra!.Keys, Is.EquivalentTo(new[] { "bridge", "x" }));
        Assert.That(extra["bridge"].GetString(), Is.EqualTo("br1"));
        Assert.That(Obj("""{"NAME":"n"}""").Unknown(["name"]), Is.Null);
    }

    [Test]
    public void NetConfShapeErrorsAreCode6WithGoText()
    {
        var e = Assert.Throws<CniException>(() => NetConf.Parse("""{"cniVersion":1,"name":"n"}"""u8));
        Assert.That((e!.Code, e.Msg), Is.EqualTo((ErrorCode.DecodingFailure,
            "error unmarshall network config: json: cannot unmarshal number into Go struct field NetConf.cniVersion of type string")));
        e = Assert.Throws<CniException>(() => NetConf.Parse("[]"u8));
        Assert.That(e!.Msg, Is.EqualTo("error unmarshall network config: json: cannot unmarshal array into Go value of type types.NetConf"));
    }

    [Test]
    public void ElementsOutliveTheParseCall()
    {
        var conf = NetConf.Parse(Encoding.UTF8.GetBytes("""{"name":"n","ipam":{"type":"x","subnet":"10.0.0.0/8"},"args":{"a":1},"bridge":"b"}"""));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.That(conf.IpamRaw!.Value.GetProperty("subnet").GetString(), Is.EqualTo("10.0.0.0/8"));
        Assert.That(conf.Ipam!.Raw.GetProperty("type").GetString(), Is.EqualTo("x"));
        Assert.That(conf.Args!.Value.GetProperty("a").GetInt32(), Is.EqualTo(1));
        Assert.That(conf.Extra!["bridge"].GetString(), Is.EqualTo("b"));
    }

    [Test]
    public void ResultVersionErrorsNameGosAnonymousStruct()
    {
        var e = Assert.Throws<CniException>(() => CniResult.Parse("""{"cniVersion":1}"""u8));
        Assert.That(e!.Msg, Is.EqualTo("decoding version from network config: json: cannot unmarshal number into Go struct field .cniVersion of type string"));
        e = Assert.Throws<CniException>(() => CniResult.Parse("""{"cniVersion":"1.1.0","routes":[{"dst":"0.0.0.0/0","table":1.5}]}"""u8));
        Assert.That(e!.Msg, Is.EqualTo("json: cannot unmarshal number 1.5 into Go struct field Result.routes.table of type int"));
    }
}
