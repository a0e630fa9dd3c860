#include "cli/common/table.h"

#include <gtest/gtest.h>

namespace gantry::cli {
namespace {

TEST(Table, WalkthroughNodeList) {
  std::vector<TableColumn> cols = {{"Node", false},  {"DTotal", true}, {"DFree", true},
                                   {"MTotal", true}, {"MNode", true},  {"MFree", true},
                                   {"Pinst", true},  {"Sinst", true}};
  auto lines = formatTable(cols, {{"node1", "1.3T", "1.3T", "32.0G", "1.0G", "30.5G", "0", "0"}});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "Node  DTotal DFree MTotal MNode MFree Pinst Sinst");
  EXPECT_EQ(lines[1], "node1   1.3T  1.3T  32.0G  1.0G 30.5G     0     0");
}

TEST(Table, WalkthroughInstanceListLastColumnRightAligned) {
  std::vector<TableColumn> cols = {{"Instance", false}, {"Hypervisor", false},
                                   {"OS", false},       {"Primary_node", false},
                                   {"Status", false},   {"Memory", true}};
  auto lines = formatTable(
      cols, {{"instance1", "xen-pvm", "debootstrap", "node2", "running", "128M"}});
  EXPECT_EQ(lines[0], "Instance  Hypervisor OS          Primary_node Status  Memory");
  EXPECT_EQ(lines[1], "instance1 xen-pvm    debootstrap node2        running   128M");
}

TEST(Table, LastLeftAlignedColumnIsNotPadded) {
  auto lines = formatTable({{"ID", true}, {"Status", false}, {"Summary", false}},
                           {{"1", "success", "TEST_DELAY(0 ns)"}, {"12", "error", "X"}});
  EXPECT_EQ(lines[0], "ID Status  Summary");
  EXPECT_EQ(lines[1], " 1 success TEST_DELAY(0 ns)");
  EXPECT_EQ(lines[2], "12 error   X");
}

TEST(Table, GenerateTablePadsTheLastHeader) {
  TableOptions opts;
  opts.padLastHeader = true;
  auto lines = formatTable({{"Name", false}}, {{"debootstrap+default"}}, opts);
  EXPECT_EQ(lines[0], "Name               ");
  EXPECT_EQ(lines[1], "debootstrap+default");
}

TEST(Table, SeparatorAndNoHeaders) {
  TableOptions opts;
  opts.separator = "|";
  opts.headers = false;
  auto lines = formatTable({{"A", false}, {"B", true}}, {{"x", "1"}, {"yy", "22"}}, opts);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "x|1");
  EXPECT_EQ(lines[1], "yy|22");
}

}  // namespace
}  // namespace gantry::cli
