#include "core/jobs/job_file.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace gantry::core::jobs {
namespace {

using nlohmann::json;

Job sampleJob() {
  Job job;
  job.id = 42;
  job.received_timestamp = Timestamp{1700000000, 5};
  job.start_timestamp = Timestamp{1700000001, 6};
  job.end_timestamp = Timestamp{1700000002, 7};
  QueuedOpcode op;
  op.input = json::parse(R"({"OP_ID": "OP_TEST_DELAY", "duration": 0.5, "reason": []})");
  op.status = OpStatus::kSuccess;
  op.result = json::array({true});
  op.log.push_back({1, {1700000001, 100}, "message", "* step one"});
  op.priority = -10;
  op.start_timestamp = Timestamp{1700000001, 6};
  op.exec_timestamp = Timestamp{1700000001, 50};
  op.end_timestamp = Timestamp{1700000002, 7};
  job.ops.push_back(op);
  QueuedOpcode second;
  second.input = json::parse(R"({"OP_ID": "OP_TEST_DELAY"})");
  second.status = OpStatus::kError;
  second.result = json::parse(R"(["OpExecError", ["Preceding opcode failed"]])");
  job.ops.push_back(second);
  return job;
}

TEST(JobFile, SerialisesExactlyLikeLuxid) {
  std::string expected =
      R"({"id":42,"ops":[{"input":{"OP_ID":"OP_TEST_DELAY","duration":0.5,"reason":[]},)"
      R"("status":"success","result":[true],"log":[[1,[1700000001,100],"message","* step one"]],)"
      R"("priority":-10,"start_timestamp":[1700000001,6],"exec_timestamp":[1700000001,50],)"
      R"("end_timestamp":[1700000002,7]},{"input":{"OP_ID":"OP_TEST_DELAY"},"status":"error",)"
      R"("result":["OpExecError",["Preceding opcode failed"]],"log":[],"priority":0,)"
      R"("start_timestamp":null,"exec_timestamp":null,"end_timestamp":null}],)"
      R"("received_timestamp":[1700000000,5],"start_timestamp":[1700000001,6],)"
      R"("end_timestamp":[1700000002,7]})";
  EXPECT_EQ(serializeJob(sampleJob()), expected);
}

TEST(JobFile, RoundTrips) {
  Job job = sampleJob();
  EXPECT_EQ(parseJob(serializeJob(job)), job);
  EXPECT_EQ(jobToJson(job)["ops"][0]["log"][0][3], "* step one");
}

TEST(JobFile, ReadsGanetiFilesWithExtraKeysAndMissingLog) {
  // Python-written jobs carry livelock/process_id; Haskell defaults "log".
  auto job = parseJob(R"({"id": 3, "ops": [{"input": {"OP_ID": "OP_X"}, "status": "queued",
      "result": null, "priority": 0}], "received_timestamp": [1, 2],
      "start_timestamp": null, "end_timestamp": null, "livelock": null, "process_id": null})");
  EXPECT_EQ(job.id, 3);
  ASSERT_EQ(job.ops.size(), 1u);
  EXPECT_TRUE(job.ops[0].log.empty());
  EXPECT_EQ(job.status(), OpStatus::kQueued);
  EXPECT_FALSE(job.start_timestamp.has_value());
}

TEST(JobFile, RejectsTornAndInvalidFiles) {
  std::string text = serializeJob(sampleJob());
  for (std::size_t cut : {std::size_t{0}, std::size_t{1}, text.size() / 2, text.size() - 1}) {
    EXPECT_THROW(parseJob(text.substr(0, cut)), JobFileError) << cut;
  }
  EXPECT_THROW(parseJob(R"({"id": 1, "ops": [{"input": {}, "status": "bogus", "result": null,
      "priority": 0}]})"), JobFileError);
  EXPECT_THROW(parseJob(R"({"id": 1})"), JobFileError);
  EXPECT_THROW(parseJob(R"({"id": "1", "ops": []})"), JobFileError);
  EXPECT_THROW(parseJob(R"({"id": 1, "ops": [], "received_timestamp": [1]})"), JobFileError);
}

TEST(JobFile, InvalidUtf8InMessagesStillWrites) {
  Job job = sampleJob();
  job.ops[0].log[0].message = std::string("bad \xff byte");
  std::string text = serializeJob(job);
  EXPECT_NO_THROW(parseJob(text));
}

}  // namespace
}  // namespace gantry::core::jobs
