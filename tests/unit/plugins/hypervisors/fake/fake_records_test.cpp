#include "fake_records.h"

#include <gtest/gtest.h>

namespace gantry::plugins::fake {
namespace {

using State = sdk::MigrationStatus::State;

TEST(FakeRecords, ExtrasRoundTrip) {
  EXPECT_EQ(formatExtras({true, 3}), "paused=1\nboots=3\n");
  auto back = parseExtras("paused=1\nboots=3\n");
  ASSERT_TRUE(back.has_value());
  EXPECT_TRUE(back->paused);
  EXPECT_EQ(back->boots, 3);
  EXPECT_FALSE(parseExtras("paused=2\nboots=3\n"));
  EXPECT_FALSE(parseExtras("paused=1\nboots=3"));  // unterminated line
  EXPECT_FALSE(parseExtras("paused=1\nboots=x\n"));
  EXPECT_FALSE(parseExtras("paused=1\npaused=0\n"));
  EXPECT_FALSE(parseExtras(""));
}

TEST(FakeRecords, PayloadRoundTrip) {
  const std::string text = formatPayload({"inst1", 700, 2, 4});
  EXPECT_EQ(text, "fake-migration 1\nname=inst1\nmemory=700\nvcpus=2\nboots=4\n");
  auto back = parsePayload(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->name, "inst1");
  EXPECT_EQ(back->memoryMiB, 700);
  EXPECT_EQ(back->vcpus, 2);
  EXPECT_EQ(back->boots, 4);
  EXPECT_FALSE(parsePayload(""));
  EXPECT_FALSE(parsePayload("fake-migration 2\nname=i\nmemory=1\nvcpus=1\nboots=1\n"));
  EXPECT_FALSE(parsePayload("fake-migration 1\nname=i\nmemory=0\nvcpus=1\nboots=1\n"));
  EXPECT_FALSE(parsePayload("fake-migration 1\nname=i\nmemory=1\nvcpus=1\n"));
}

TEST(FakeRecords, OutgoingRoundTrip) {
  OutgoingMigration o{"127.0.1.2", false, State::kFailed, 512, "it broke\nbadly"};
  const std::string text = formatOutgoing(o);
  EXPECT_EQ(text,
            "target=127.0.1.2\nlive=0\nstatus=failed\nmemory=512\nmessage=it broke badly\n");
  auto back = parseOutgoing(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->target, "127.0.1.2");
  EXPECT_FALSE(back->live);
  EXPECT_EQ(back->state, State::kFailed);
  EXPECT_EQ(back->memoryMiB, 512);
  EXPECT_EQ(back->message, "it broke badly");
  EXPECT_FALSE(parseOutgoing("target=a\nlive=1\nstatus=done\nmemory=1\nmessage=\n"));
  for (State s : {State::kActive, State::kCompleted, State::kFailed, State::kCancelled}) {
    o.state = s;
    EXPECT_EQ(parseOutgoing(formatOutgoing(o))->state, s) << migrationStateName(s);
  }
}

}  // namespace
}  // namespace gantry::plugins::fake
