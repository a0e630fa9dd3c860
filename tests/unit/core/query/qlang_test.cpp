#include "core/query/qlang.h"

#include <gtest/gtest.h>

namespace query = gantry::core::query;
namespace luxi = gantry::core::luxi;
using luxi::Json;

namespace {

Json parsed(const std::string& text) { return query::parseFilterText(text); }

luxi::EncodedError parseError(const std::string& text) {
  try {
    query::parseFilterText(text);
  } catch (const luxi::EncodedError& e) {
    return e;
  }
  ADD_FAILURE() << "parsed: " << text;
  return luxi::genericError("none");
}

}  // namespace

TEST(ParseFilterText, Comparisons) {
  EXPECT_EQ(parsed("name==\"foobar\""), Json::parse(R"(["==", "name", "foobar"])"));
  EXPECT_EQ(parsed("name=='foobar'"), Json::parse(R"(["==", "name", "foobar"])"));
  EXPECT_EQ(parsed("name=\"foobar\""), Json::parse(R"(["==", "name", "foobar"])"));
  EXPECT_EQ(parsed("mem == 128"), Json::parse(R"(["==", "mem", 128])"));
  EXPECT_EQ(parsed("negfield != -1"), Json::parse(R"(["!=", "negfield", -1])"));
  EXPECT_EQ(parsed("ctime < 1234"), Json::parse(R"(["<", "ctime", 1234])"));
  EXPECT_EQ(parsed("ctime > +1234"), Json::parse(R"([">", "ctime", 1234])"));
  EXPECT_EQ(parsed("mtime <= 9999"), Json::parse(R"(["<=", "mtime", 9999])"));
  EXPECT_EQ(parsed("mtime >= 9999"), Json::parse(R"([">=", "mtime", 9999])"));
  // Escapes inside quoted strings are kept as written.
  EXPECT_EQ(parsed(R"(some=="val\"ue")"), Json::parse(R"(["==", "some", "val\\\"ue"])"));
}

TEST(ParseFilterText, LogicPrecedenceAndParentheses) {
  EXPECT_EQ(parsed("valA==1 and valB==2 or valC==3"),
            Json::parse(R"(["|", ["&", ["==", "valA", 1], ["==", "valB", 2]], ["==", "valC", 3]])"));
  EXPECT_EQ(parsed("valA==1 and valB==2 and valC==3"),
            Json::parse(R"(["&", ["==", "valA", 1], ["==", "valB", 2], ["==", "valC", 3]])"));
  EXPECT_EQ(parsed("(name\n==\"foobar\") and (xyz==\"va)ue\" and k == 256 or x ==\t\"y\"\n) and mc"),
            Json::parse(R"(["&", ["==", "name", "foobar"], ["|", ["&", ["==", "xyz", "va)ue"], ["==", "k", 256]], ["==", "x", "y"]], ["?", "mc"]])"));
  EXPECT_EQ(parsed("not (master or other == 4)"),
            Json::parse(R"(["!", ["|", ["?", "master"], ["==", "other", 4]]])"));
  EXPECT_EQ(parsed("master and not other"),
            Json::parse(R"(["&", ["?", "master"], ["!", ["?", "other"]]])"));
  EXPECT_EQ(parsed("mfree > 1000 and not offline"),
            Json::parse(R"(["&", [">", "mfree", 1000], ["!", ["?", "offline"]]])"));
}

TEST(ParseFilterText, KeywordPrefixesAreFieldNames) {
  for (std::string op : {"not", "and", "or"}) {
    EXPECT_EQ(parsed(op + "xyz"), Json::array({"?", op + "xyz"}));
    EXPECT_EQ(parsed("not " + op + "xyz"),
              Json::array({"!", Json::array({"?", op + "xyz"})}));
    EXPECT_EQ(parsed("  not \t" + op + "foo"),
              Json::array({"!", Json::array({"?", op + "foo"})}));
    EXPECT_EQ(parsed(op + "name =~ m/abc/"),
              Json::array({"=~", op + "name", "abc"}));
  }
}

TEST(ParseFilterText, InConditions) {
  EXPECT_EQ(parsed("123 in ips"), Json::parse(R"(["=[]", "ips", 123])"));
  EXPECT_EQ(parsed("99 not in ips"), Json::parse(R"(["!", ["=[]", "ips", 99]])"));
  EXPECT_EQ(parsed("\"a\" in valA and \"b\" not in valB"),
            Json::parse(R"(["&", ["=[]", "valA", "a"], ["!", ["=[]", "valB", "b"]]])"));
}

TEST(ParseFilterText, RegexForms) {
  EXPECT_EQ(parsed("name =~ m/test/"), Json::parse(R"(["=~", "name", "test"])"));
  EXPECT_EQ(parsed("name =~ m/LOCAL/i"), Json::parse(R"(["=~", "name", "(?i)LOCAL"])"));
  EXPECT_EQ(parsed("name =~ m/gi/ssss"), Json::parse(R"(["=~", "name", "(?s)gi"])"));
  EXPECT_EQ(parsed("name =~ m/gi/iiiisiii"), Json::parse(R"(["=~", "name", "(?is)gi"])"));
  for (char delim : std::string("/#^|")) {
    std::string d(1, delim);
    EXPECT_EQ(parsed("name =~ m" + d + "test" + d), Json::parse(R"(["=~", "name", "test"])"));
    EXPECT_EQ(parsed("name !~ " + d + "test" + d),
              Json::parse(R"(["!", ["=~", "name", "test"]])"));
  }
  EXPECT_EQ(parsed("(name =~ m/^node.*example.com$/s and master) or pip =~ |^3.*|"),
            Json::parse(R"(["|", ["&", ["=~", "name", "(?s)^node.*example.com$"], ["?", "master"]], ["=~", "pip", "^3.*"]])"));
  // An escaped delimiter is part of the regex.
  EXPECT_EQ(parsed(R"(path =~ m/a\/b/)"), Json::parse(R"(["=~", "path", "a/b"])"));
}

TEST(ParseFilterText, GlobForms) {
  EXPECT_EQ(parsed("name =* '*.site'"),
            Json::parse(R"(["=~", "name", "^[^.]*\\.site(\\..*)?$"])"));
  EXPECT_EQ(parsed("field !* '*.example.*'"),
            Json::parse(R"(["!", ["=~", "field", "^[^.]*\\.example\\.[^.]*(\\..*)?$"]])"));
}

TEST(ParseFilterText, ErrorsCarryPositionDetails) {
  auto e = parseError("name = ");
  EXPECT_EQ(e.className(), "QueryFilterParseError");
  EXPECT_EQ(e.firstArg(),
            "Failed to parse query filter 'name = ': Expected end of text, "
            "found '=' (at char 5), (line:1, col:6)");
  EXPECT_EQ(e.args().at(1),
            Json::parse(R"x(["name = ", "     ^", "Expected end of text, found '=' (at char 5), (line:1, col:6)"])x"));
  for (const char* bad : {"#invalid!filter#", "m/x/,", "name=~m#a#g",
                          "name=~^[^", "asdf =~ m|abc|I", "name =~ /foobarbaz#",
                          "name <> value", "name => value", "name =< value",
                          "foo==bar", "foo+=1", "*.site", ""}) {
    auto err = parseError(bad);
    EXPECT_EQ(err.className(), "QueryFilterParseError") << bad;
    EXPECT_EQ(err.args().at(1).size(), 3u) << bad;
  }
  EXPECT_NE(parseError("name=~m#a#g").firstArg().find(
                "Unknown regular expression flags: 'g'"),
            std::string::npos);
  EXPECT_NE(parseError("name =~ m/(/").firstArg().find(
                "Invalid regular expression ("),
            std::string::npos);
}

TEST(MakeFilter, NamesGlobsAndJobIds) {
  EXPECT_TRUE(query::makeFilter({}, false).is_null());
  EXPECT_EQ(query::makeFilter({"web1", "web2"}, false),
            Json::parse(R"(["|", ["==", "name", "web1"], ["==", "name", "web2"]])"));
  EXPECT_EQ(query::makeFilter({"local*"}, false),
            Json::parse(R"(["|", ["=~", "name", "^local[^.]*(\\..*)?$"]])"));
  EXPECT_EQ(query::makeFilter({"web?.example"}, false),
            Json::parse(R"(["|", ["=~", "name", "^web[^.]\\.example(\\..*)?$"]])"));
  EXPECT_EQ(query::makeFilter({"29", "30"}, false, "id", true),
            Json::parse(R"(["|", ["==", "id", 29], ["==", "id", 30]])"));
  for (std::string name : {"node1", "n-o-d-e", "n_o_d_e", "node1.example.com",
                           "node1.example.com."}) {
    EXPECT_EQ(query::makeFilter({name}, false),
              Json::array({"|", Json::array({"==", "name", name})}));
  }
}

TEST(MakeFilter, FilterArguments) {
  EXPECT_EQ(query::makeFilter({"foo/bar"}, false), Json::parse(R"(["?", "foo/bar"])"));
  EXPECT_EQ(query::makeFilter({"foo=='bar'"}, false),
            Json::parse(R"(["==", "foo", "bar"])"));
  EXPECT_EQ(query::makeFilter({"web1"}, true), Json::parse(R"(["?", "web1"])"));
  EXPECT_EQ(query::makeFilter({"name =~ m/LOCAL/i"}, false),
            Json::parse(R"(["=~", "name", "(?i)LOCAL"])"));
}

TEST(MakeFilter, Errors) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {}, {"1", "2"}, {"a", "b", "c"}}) {
    try {
      query::makeFilter(args, true);
      ADD_FAILURE() << "no error";
    } catch (const luxi::EncodedError& e) {
      EXPECT_EQ(e.args(), Json::parse(R"(["Exactly one argument must be given as a filter", "wrong_input"])"));
    }
  }
  try {
    query::makeFilter({"abc"}, false, "id", true);
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.args(), Json::parse(R"(["Invalid job ID passed: invalid literal for int() with base 10: 'abc'", "wrong_input"])"));
  }
  EXPECT_THROW(query::makeFilter({"*.site"}, true), luxi::EncodedError);
}

TEST(AndFilters, CombinesOnlyPresentParts) {
  Json names = Json::parse(R"(["|", ["==", "id", 1]])");
  Json status = Json::parse(R"(["|", ["==", "status", "running"]])");
  EXPECT_EQ(query::andFilters(names, status), Json::array({"&", names, status}));
  EXPECT_EQ(query::andFilters(Json(), status), status);
  EXPECT_EQ(query::andFilters(names, Json()), names);
}
