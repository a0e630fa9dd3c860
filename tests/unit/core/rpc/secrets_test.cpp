#include "core/rpc/secrets.h"

#include <gtest/gtest.h>

#include <string>

#include "core/rpc/base64.h"

namespace {

using namespace gantry::core::rpc;

TEST(Secrets, RandomTokensAreHexAndDiffer) {
  auto a = randomToken();
  auto b = randomToken();
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(*a, *b);
  EXPECT_EQ(randomToken(4)->size(), 8u);
}

TEST(Secrets, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("abc", "abc"));
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_FALSE(constantTimeEquals("abc", "abd"));
  EXPECT_FALSE(constantTimeEquals("abc", "ab"));
  EXPECT_FALSE(constantTimeEquals("", "a"));
}

TEST(Secrets, HmacSha256MatchesRfc4231) {
  // RFC 4231, test case 2.
  EXPECT_EQ(hmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_NE(hmacSha256Hex("Jefe", "what do ya want for nothing!"),
            hmacSha256Hex("Jefe", "what do ya want for nothing?"));
  EXPECT_EQ(hmacSha256Hex("", "").size(), 64u);
}

TEST(Base64, RoundTripsBinaryData) {
  for (std::string data : {std::string(), std::string("a"), std::string("ab"),
                           std::string("abc"), std::string("\0\xff\x10zz", 5)}) {
    auto decoded = base64Decode(base64Encode(data));
    ASSERT_TRUE(decoded.ok()) << data;
    EXPECT_EQ(*decoded, data);
  }
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_FALSE(base64Decode("Zm9").ok());
  EXPECT_FALSE(base64Decode("Zm9v YmFy").ok());
  EXPECT_FALSE(base64Decode("Z=9v").ok());
  EXPECT_FALSE(base64Decode("Zm9v\n").ok());
  EXPECT_EQ(base64Decode("Zm8=").value(), "fo");
}

}  // namespace
