#include "core/luxi/framing.h"

#include <gtest/gtest.h>

#include <string>

namespace luxi = gantry::core::luxi;

TEST(MessageReader, SplitsOnTerminator) {
  luxi::MessageReader reader;
  reader.feed(std::string("{\"a\":1}\x03{\"b\":2}\x03", 16));
  EXPECT_EQ(reader.next(), "{\"a\":1}");
  EXPECT_EQ(reader.next(), "{\"b\":2}");
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.buffered(), 0u);
}

TEST(MessageReader, KeepsPartialMessageUntilCompleted) {
  luxi::MessageReader reader;
  reader.feed("{\"method\": \"Query");
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.buffered(), 17u);
  reader.feed("\"}\n");
  EXPECT_EQ(reader.next(), std::nullopt);
  reader.feed(std::string("\x03{\"x\"", 5));
  // Trailing whitespace stays part of the payload; JSON parsing accepts it.
  EXPECT_EQ(reader.next(), "{\"method\": \"Query\"}\n");
  EXPECT_EQ(reader.next(), std::nullopt);
  EXPECT_EQ(reader.buffered(), 4u);
}

TEST(MessageReader, ByteByByteFeeding) {
  luxi::MessageReader reader;
  std::string stream = std::string("ab\x03", 3) + std::string("cd\x03", 3);
  std::vector<std::string> got;
  for (char c : stream) {
    reader.feed(std::string_view(&c, 1));
    while (auto m = reader.next()) got.push_back(*m);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"ab", "cd"}));
}

TEST(MessageReader, EmptyMessageBetweenTerminators) {
  luxi::MessageReader reader;
  reader.feed(std::string("\x03\x03", 2));
  EXPECT_EQ(reader.next(), "");
  EXPECT_EQ(reader.next(), "");
  EXPECT_EQ(reader.next(), std::nullopt);
}

TEST(MessageReader, OversizeUnterminatedMessageFailsOnFeed) {
  luxi::MessageReader reader(8);
  reader.feed("12345678");  // exactly the limit: fine
  try {
    reader.feed("9");
    FAIL() << "no error";
  } catch (const luxi::FramingError& e) {
    EXPECT_STREQ(e.what(),
                 "Message too long: more than 8 bytes without a terminator");
  }
}

TEST(MessageReader, OversizeCompleteMessageFailsOnNext) {
  luxi::MessageReader reader(4);
  // The chunk ends with a short unfinished tail, so feed() accepts it, but
  // the complete message before it is too long.
  reader.feed(std::string("123456\x03" "ab", 9));
  EXPECT_THROW(reader.next(), luxi::FramingError);
}

TEST(MessageReader, LimitAppliesPerMessageNotPerStream) {
  luxi::MessageReader reader(4);
  for (int i = 0; i < 100; ++i) {
    reader.feed(std::string("abcd\x03", 5));
    EXPECT_EQ(reader.next(), "abcd");
  }
}

TEST(FrameMessage, AppendsTerminator) {
  EXPECT_EQ(luxi::frameMessage("{}"), std::string("{}\x03", 3));
}

TEST(FrameMessage, RefusesTerminatorInPayload) {
  try {
    luxi::frameMessage(std::string("{\"a\":\"\x03\"}", 9));
    FAIL() << "no error";
  } catch (const luxi::FramingError& e) {
    EXPECT_STREQ(e.what(), "Message terminator found in payload");
  }
}
