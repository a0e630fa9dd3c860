#include "core/query/engine.h"

#include <gtest/gtest.h>

#include <map>

#include "core/luxi/errors.h"

namespace query = gantry::core::query;
namespace luxi = gantry::core::luxi;
using query::Cell;
using query::FieldKind;
using query::Json;
using query::ResultStatus;

namespace {

query::Resource nodeResource() {
  using query::CompareMode;
  return query::Resource(
      "node", "name",
      {
          {{"name", "Node", FieldKind::kText, "Node name"},
           CompareMode::kHostname},
          {{"offline", "Offline", FieldKind::kBool,
            "Whether node is marked offline"}},
          {{"mfree", "MFree", FieldKind::kUnit,
            "Memory available for instance allocations"}},
          {{"pinst_list", "PriInstances", FieldKind::kOther,
            "List of instances with this node as primary"}},
          {{"group", "Group", FieldKind::kText, "Node group"}},
          {{"ctime", "CTime", FieldKind::kTimestamp, "Creation timestamp"}},
          {{"serial_no", "SerialNo", FieldKind::kNumber, "Serial number"}},
      });
}

struct Node {
  std::string name;
  bool offline;
  std::int64_t mfree;
  std::vector<std::string> instances;
  std::string uuid;
};

// Items in config order (not sorted); the source sorts like the master.
class NodeSource {
 public:
  NodeSource() {
    nodes_ = {
        {"node10.example.com", false, 2048, {"inst2"}, "uuid-10"},
        {"node2.example.com", false, 512, {}, "uuid-2"},
        {"node3.example.com", true, 0, {"inst1", "inst3"}, "uuid-3"},
    };
  }

  query::ItemSource source() {
    query::ItemSource s;
    s.scan = [this] {
      std::vector<query::ItemHandle> all;
      for (std::size_t i = 0; i < nodes_.size(); ++i) all.push_back(i);
      std::sort(all.begin(), all.end(), [this](auto a, auto b) {
        return query::naturalLess(nodes_[a].name, nodes_[b].name);
      });
      return all;
    };
    s.lookup = [this](const std::vector<query::FilterValue>& values) {
      std::vector<std::string> names;
      for (const auto& n : nodes_) names.push_back(n.name);
      std::vector<query::ItemHandle> out;
      for (const auto& value : values) {
        if (!value.isString()) continue;  // integers are not looked up
        bool byUuid = false;
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
          if (nodes_[i].uuid == value.string()) {
            out.push_back(i);
            byUuid = true;
          }
        }
        if (byUuid) continue;
        auto full = query::resolveName("Node", names, value.string());
        for (std::size_t i = 0; i < nodes_.size(); ++i) {
          if (nodes_[i].name == full) out.push_back(i);
        }
      }
      return out;
    };
    s.cell = [this](query::ItemHandle h, const query::FieldSpec& spec) {
      ++cellCalls;
      const Node& n = nodes_[h];
      const auto& f = spec.def.name;
      if (f == "name") return Cell::normal(n.name);
      if (f == "offline") return Cell::normal(n.offline);
      if (f == "mfree") {
        return n.offline ? Cell::withStatus(ResultStatus::kOffline)
                         : Cell::normal(n.mfree);
      }
      if (f == "pinst_list") return Cell::normal(Json(n.instances));
      if (f == "group") return Cell::normal("default");
      if (f == "ctime") return Cell::normal(1796000809.0290992);
      if (f == "serial_no") return Cell::normal(3);
      return Cell::withStatus(ResultStatus::kNoData);
    };
    return s;
  }

  int cellCalls = 0;

 private:
  std::vector<Node> nodes_;
};

Json run(const std::vector<std::string>& fields, const std::string& filter) {
  static const query::Resource resource = nodeResource();
  NodeSource nodes;
  query::PreparedQuery q(resource, fields,
                         query::parseFilter(Json::parse(filter)));
  return query::runQuery(q, nodes.source());
}

// Names of the rows of a ["name"] query.
std::vector<std::string> names(const std::string& filter) {
  std::vector<std::string> out;
  Json result = run({"name"}, filter);
  for (const auto& row : result.at("data")) {
    out.push_back(row.at(0).at(1).get<std::string>());
  }
  return out;
}

luxi::EncodedError queryError(const std::string& filter) {
  try {
    run({"name"}, filter);
  } catch (const luxi::EncodedError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for " << filter;
  return luxi::genericError("none");
}

const std::vector<std::string> kAll = {"node2.example.com",
                                       "node3.example.com",
                                       "node10.example.com"};

}  // namespace

TEST(RunQuery, FullScanShapeOrderAndUnknownField) {
  Json result = run({"name", "mfree", "bogus"}, "null");
  EXPECT_EQ(result.at("fields").dump(),
            R"([{"name":"name","title":"Node","kind":"text","doc":"Node name"},)"
            R"({"name":"mfree","title":"MFree","kind":"unit","doc":"Memory available for instance allocations"},)"
            R"({"name":"bogus","title":"bogus","kind":"unknown","doc":"Unknown field 'bogus'"}])");
  EXPECT_EQ(result.at("data").dump(),
            R"([[[0,"node2.example.com"],[0,512],[1,null]],)"
            R"([[0,"node3.example.com"],[4,null],[1,null]],)"
            R"([[0,"node10.example.com"],[0,2048],[1,null]]])");
  // "fields" comes before "data".
  EXPECT_EQ(result.begin().key(), "fields");
}

TEST(RunQuery, EmptyFieldListGivesEmptyRows) {
  EXPECT_EQ(run({}, R"(["?", "offline"])").at("data").dump(), "[[]]");
}

TEST(RunQuery, DuplicateFieldsAndFilterOnlyFields) {
  Json result = run({"name", "name"}, R"(["<", "serial_no", 5])");
  EXPECT_EQ(result.at("fields").size(), 2u);
  EXPECT_EQ(result.at("data").at(0).size(), 2u);
}

TEST(Evaluate, Comparisons) {
  EXPECT_EQ(names(R"(["==", "mfree", 512])"),
            (std::vector<std::string>{"node2.example.com", "node3.example.com"}));
  EXPECT_EQ(names(R"([">", "mfree", 512])"),
            (std::vector<std::string>{"node3.example.com", "node10.example.com"}));
  EXPECT_EQ(names(R"([">=", "mfree", 512])"), kAll);
  EXPECT_EQ(names(R"(["<=", "mfree", 511])"),
            (std::vector<std::string>{"node3.example.com"}));
  EXPECT_EQ(names(R"(["<", "group", "e"])"), kAll);
  EXPECT_EQ(names(R"([">", "group", "e"])"), std::vector<std::string>{});
  // Timestamps (floats) compare with integers.
  EXPECT_EQ(names(R"([">", "ctime", 5])"), kAll);
}

TEST(Evaluate, NonNormalCellsPassLeaves) {
  // node3 is offline: its mfree cell has status 4 and passes either way.
  EXPECT_EQ(names(R"(["<", "mfree", 1000])"),
            (std::vector<std::string>{"node2.example.com", "node3.example.com"}));
  EXPECT_EQ(names(R"(["!", ["<", "mfree", 1000]])"),
            (std::vector<std::string>{"node10.example.com"}));
}

TEST(Evaluate, LogicOperators) {
  EXPECT_EQ(names(R"(["?", "offline"])"),
            (std::vector<std::string>{"node3.example.com"}));
  EXPECT_EQ(names(R"(["!", ["?", "offline"]])"),
            (std::vector<std::string>{"node2.example.com", "node10.example.com"}));
  EXPECT_EQ(names(R"(["&"])"), kAll);
  EXPECT_EQ(names(R"(["|", ["?", "offline"]])"),
            (std::vector<std::string>{"node3.example.com"}));
  EXPECT_EQ(names(R"(["&", ["?", "offline"], [">", "serial_no", 5]])"),
            std::vector<std::string>{});
  EXPECT_EQ(names(R"(["!=", "group", "default"])"), std::vector<std::string>{});
}

TEST(Evaluate, RegexAndContains) {
  EXPECT_EQ(names(R"(["=~", "name", "^node1"])"),
            (std::vector<std::string>{"node10.example.com"}));
  EXPECT_EQ(names(R"(["=~", "name", "(?i)NODE2"])"),
            (std::vector<std::string>{"node2.example.com"}));
  EXPECT_EQ(names(R"(["=[]", "pinst_list", "inst3"])"),
            (std::vector<std::string>{"node3.example.com"}));
}

TEST(Evaluate, HostnameEqualityByComponents) {
  // Or-ed with another field: no lookup, the filter compares by components.
  EXPECT_EQ(names(R"(["|", ["==", "name", "node2"], ["?", "offline"]])"),
            (std::vector<std::string>{"node2.example.com", "node3.example.com"}));
  EXPECT_EQ(names(R"(["|", ["==", "name", "node2.example"], ["?", "offline"]])"),
            (std::vector<std::string>{"node2.example.com", "node3.example.com"}));
  EXPECT_EQ(names(R"(["|", ["==", "name", "node"], ["?", "offline"]])"),
            (std::vector<std::string>{"node3.example.com"}));
}

TEST(Evaluate, TypeErrors) {
  auto e = queryError(R"(["|", ["==", "name", 1], ["?", "offline"]])");
  EXPECT_EQ(e.className(), "ParameterError");
  EXPECT_STREQ(e.what(),
               "Invalid types in comparison, trying to compare "
               "\"node2.example.com\" with 'NumericValue 1'");
  e = queryError(R"(["==", "mfree", "a"])");
  EXPECT_STREQ(e.what(),
               "Invalid types in comparison, trying to compare 512 with "
               "'QuotedString \"a\"'");
  e = queryError(R"(["|", ["<", "group", -1], ["?", "offline"]])");
  EXPECT_STREQ(e.what(),
               "Invalid types in comparison, trying to compare \"default\" "
               "with 'NumericValue (-1)'");
}

TEST(Evaluate, BooleanAndRegexTypeErrors) {
  auto e = queryError(R"(["?", "name"])");
  EXPECT_EQ(e.className(), "ParameterError");
  EXPECT_STREQ(e.what(),
               "Unexpected value '\"node2.example.com\"' in boolean context");
  e = queryError(R"(["=~", "offline", "x"])");
  EXPECT_STREQ(e.what(),
               "Invalid field value used in regexp matching, expecting string "
               "but got 'false'");
  e = queryError(R"(["==", "offline", 1])");
  EXPECT_STREQ(e.what(),
               "Invalid types in comparison, trying to compare false with "
               "'NumericValue 1'");
  e = queryError(R"(["=[]", "group", "x"])");
  EXPECT_EQ(e.className(), "GenericError");
  EXPECT_STREQ(e.what(),
               "Cannot convert value '\"default\"', error: Unable to read list");
}

TEST(Evaluate, ShortCircuitSkipsUnreachedErrors) {
  // Every node is in group "default": the bad right operand is never run.
  EXPECT_EQ(names(R"(["|", ["==", "group", "default"], ["?", "name"]])"), kAll);
  EXPECT_EQ(names(R"(["&", ["!=", "group", "default"], ["?", "name"]])"),
            std::vector<std::string>{});
}

TEST(PreparedQuery, UnknownFilterField) {
  auto e = queryError(R"(["?", "a"])");
  EXPECT_EQ(e.className(), "ParameterError");
  EXPECT_STREQ(e.what(), "Can't find field named 'a'");
  e = queryError(R"(["|", ["==", "name", "node2"], ["==", "bogus", 1]])");
  EXPECT_STREQ(e.what(), "Can't find field named 'bogus'");
}

TEST(PreparedQuery, NeededFieldsIncludeFilterFields) {
  static const query::Resource resource = nodeResource();
  query::PreparedQuery q(resource, {"name", "bogus", "name"},
                         query::parseFilter(Json::parse(R"([">", "mfree", 1])")));
  EXPECT_EQ(q.neededFields(), (std::vector<std::string>{"name", "mfree"}));
  EXPECT_EQ(q.requestedCount(), 3u);
  EXPECT_FALSE(q.names());
}

TEST(NameLookup, RequestOrderPrefixAndRepeats) {
  EXPECT_EQ(names(R"(["|", ["==", "name", "node10"], ["==", "name", "node2.example.com"]])"),
            (std::vector<std::string>{"node10.example.com", "node2.example.com"}));
  EXPECT_EQ(names(R"(["|", ["==", "name", "node2"], ["==", "name", "node2"]])"),
            (std::vector<std::string>{"node2.example.com", "node2.example.com"}));
  // Found by uuid, then dropped by the filter itself.
  EXPECT_EQ(names(R"(["|", ["==", "name", "uuid-2"]])"), std::vector<std::string>{});
}

TEST(NameLookup, UnknownName) {
  auto e = queryError(R"(["|", ["==", "name", "nosuch"]])");
  EXPECT_EQ(e.className(), "OpPrereqError");
  EXPECT_EQ(e.args(), Json::parse(R"(["Node name nosuch not found", "unknown_entity"])"));
}

TEST(NameLookup, AmbiguousPrefix) {
  std::vector<std::string> all = {"web.a.example", "web.b.example", "db"};
  try {
    query::resolveName("Instance", all, "web");
    FAIL() << "resolved";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.firstArg(), "Instance name web has multiple matches");
  }
  EXPECT_EQ(query::resolveName("Instance", all, "web.a"), "web.a.example");
  EXPECT_EQ(query::resolveName("Instance", all, "db"), "db");
}

TEST(NameLookup, OtherFiltersScanAndIgnoreUnknownNames) {
  EXPECT_EQ(names(R"(["&", ["|", ["==", "name", "nosuch"]], ["?", "offline"]])"),
            std::vector<std::string>{});
}

TEST(RunQuery, CellsComputedOncePerItemAndColumn) {
  static const query::Resource resource = nodeResource();
  NodeSource nodes;
  query::PreparedQuery q(
      resource, {"name", "mfree"},
      query::parseFilter(Json::parse(R"(["&", [">", "mfree", 0], ["<", "mfree", 5000]])")));
  query::runQuery(q, nodes.source());
  EXPECT_EQ(nodes.cellCalls, 6);  // 3 items x 2 columns
}

TEST(QueryFields, AllSortedOrRequested) {
  query::Resource resource = nodeResource();
  Json all = resource.queryFields({});
  std::vector<std::string> order;
  for (const auto& def : all.at("fields")) order.push_back(def.at("name"));
  EXPECT_EQ(order, (std::vector<std::string>{"ctime", "group", "mfree", "name",
                                             "offline", "pinst_list",
                                             "serial_no"}));
  EXPECT_EQ(resource.queryFields({"name", "bogus"}).dump(),
            R"({"fields":[{"name":"name","title":"Node","kind":"text","doc":"Node name"},)"
            R"({"name":"bogus","title":"bogus","kind":"unknown","doc":"Unknown field 'bogus'"}]})");
}

TEST(ClassicRows, PlainValuesOrUnknownFieldError) {
  EXPECT_EQ(query::classicRows(run({"name", "mfree"}, R"(["?", "offline"])")),
            Json::parse(R"([["node3.example.com", null]])"));
  try {
    query::classicRows(run({"name", "bogus", "x"}, "null"));
    FAIL() << "no error";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.args(), Json::parse(R"(["Unknown output fields selected: bogus, x", "wrong_input"])"));
  }
}

TEST(TimestampMode, ComparesSeconds) {
  query::Resource jobs("job", "id",
                       {{{"id", "ID", FieldKind::kNumber, "Job ID"}},
                        {{"received_ts", "Received", FieldKind::kOther,
                          "Timestamp of when job was received"},
                         query::CompareMode::kTimestamp}});
  query::ItemSource s;
  s.scan = [] { return std::vector<query::ItemHandle>{1, 2}; };
  s.cell = [](query::ItemHandle h, const query::FieldSpec& spec) {
    if (spec.def.name == "id") return Cell::normal(static_cast<int>(h));
    return Cell::normal(Json::array({h == 1 ? 100 : 200, 999999}));
  };
  query::PreparedQuery q(jobs, {"id"},
                         query::parseFilter(Json::parse(R"(["==", "received_ts", 200])")));
  EXPECT_EQ(query::runQuery(q, s).at("data").dump(), "[[[0,2]]]");
}

TEST(NaturalOrder, DigitsAsNumbers) {
  EXPECT_TRUE(query::naturalLess("node2", "node10"));
  EXPECT_FALSE(query::naturalLess("node10", "node2"));
  EXPECT_TRUE(query::naturalLess("a1", "ab"));  // digit run before text
  EXPECT_TRUE(query::naturalLess("a", "a1"));
  EXPECT_TRUE(query::naturalLess("inst9.x", "inst10.a"));
  // Leading zeros do not count; equal keys fall back to the plain order.
  EXPECT_TRUE(query::naturalLess("x007", "x10"));
  EXPECT_TRUE(query::naturalLess("x000", "x1"));
  EXPECT_TRUE(query::naturalLess("a01", "a1"));
  EXPECT_FALSE(query::naturalLess("a1", "a01"));
  EXPECT_FALSE(query::naturalLess("node1", "node1"));
  EXPECT_TRUE(query::naturalLess("", "a"));
  EXPECT_FALSE(query::naturalLess("a", ""));
}

TEST(JobIds, FromFilterValues) {
  EXPECT_EQ(query::jobIdFromFilterValue(std::int64_t{42}), 42);
  EXPECT_EQ(query::jobIdFromFilterValue("42"), 42);
  try {
    query::jobIdFromFilterValue("abc");
    FAIL() << "parsed";
  } catch (const luxi::EncodedError& e) {
    EXPECT_EQ(e.className(), "GenericError");
    EXPECT_STREQ(e.what(), "parsing job id: cannot parse string 'abc'");
  }
}
