#include "cli/common/options.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "cli/common/confirm.h"

namespace gantry::cli {
namespace {

std::vector<OptionSpec> specs() {
  auto s = commonOptions();
  s.push_back({"-f", "--force", "force", false, "", "Do not ask", {}});
  s.push_back({"-n", "", "nodes", true, "NODE", "Node", {}});
  s.push_back({"", "--priority", "priority", true, "PRIO", "Priority",
               {"low", "normal", "high"}});
  s.push_back({"", "--submit", "submit", false, "", "Submit only", {}});
  return s;
}

TEST(Options, ParsesShortLongValuesAndArguments) {
  auto p = parseOptions({"-f", "-n", "node1", "-nnode2", "--priority=high",
                         "--sub", "inst1", "--", "-x"},
                        specs());
  EXPECT_TRUE(p.flag("force"));
  EXPECT_TRUE(p.flag("submit"));  // unambiguous prefix, as optparse
  EXPECT_EQ(p.all("nodes"), (std::vector<std::string>{"node1", "node2"}));
  EXPECT_EQ(p.value("priority"), "high");
  EXPECT_EQ(p.args, (std::vector<std::string>{"inst1", "-x"}));
  EXPECT_FALSE(p.value("reason").has_value());
}

TEST(Options, RefusesUnknownOptionsAndBadChoices) {
  try {
    parseOptions({"--bogus"}, specs());
    FAIL() << "accepted --bogus";
  } catch (const UsageError& e) {
    EXPECT_EQ(e.message, "no such option: --bogus");
  }
  try {
    parseOptions({"--priority", "urgent"}, specs());
    FAIL() << "accepted a bad choice";
  } catch (const UsageError& e) {
    EXPECT_EQ(e.message,
              "option --priority: invalid choice: 'urgent' (choose from 'low', "
              "'normal', 'high')");
  }
  try {
    parseOptions({"-n"}, specs());
    FAIL() << "accepted -n without a value";
  } catch (const UsageError& e) {
    EXPECT_EQ(e.message, "-n option requires an argument");
  }
}

TEST(Confirm, ReadsTheAnswerFromTheTerminalAndHelpsOnQuestionMark) {
  std::FILE* in = std::tmpfile();
  std::FILE* out = std::tmpfile();
  ASSERT_NE(in, nullptr);
  ASSERT_NE(out, nullptr);
  std::fputs("?\nmaybe\ny\n", in);
  std::rewind(in);
  EXPECT_TRUE(askYesNo("Really destroy instance instance1?", in, out));
  std::rewind(out);
  char buf[1024] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, out);
  EXPECT_EQ(std::string(buf, n),
            "Really destroy instance instance1?\n"
            "y/[n]/?:  y - Perform the operation\n n - Do not perform the operation\n\n"
            "y/[n]/?: y/[n]/?: ");
  std::fclose(in);
  std::fclose(out);

  std::FILE* empty = std::tmpfile();
  std::FILE* sink = std::tmpfile();
  EXPECT_FALSE(askYesNo("Continue?", empty, sink));  // EOF: the default, no
  std::fclose(empty);
  std::fclose(sink);
}

TEST(Confirm, WrapsAtSeventyColumns) {
  const std::string text(40, 'a');
  EXPECT_EQ(wrapText(text + " " + text), text + "\n" + text);
  EXPECT_EQ(wrapText("short question?"), "short question?");
}

}  // namespace
}  // namespace gantry::cli
