#include "core/query/regex.h"

#include <gtest/gtest.h>

namespace query = gantry::core::query;

TEST(Regex, UnanchoredCaseSensitiveSearch) {
  query::Regex re("cal");
  EXPECT_TRUE(re.search("localhost"));
  EXPECT_FALSE(query::Regex("LOCAL").search("localhost"));
  EXPECT_FALSE(query::Regex("^cal").search("localhost"));
}

TEST(Regex, LeadingInlineFlags) {
  EXPECT_TRUE(query::Regex("(?i)LOCAL").search("localhost"));
  EXPECT_FALSE(query::Regex("a.b").search("a\nb"));
  EXPECT_TRUE(query::Regex("(?s)a.b").search("a\nb"));
  EXPECT_TRUE(query::Regex("(?is)A.B").search("a\nb"));
  // Inside a character class the dot stays a dot.
  EXPECT_FALSE(query::Regex("(?s)a[.]b").search("a\nb"));
}

TEST(Regex, CompileErrors) {
  try {
    query::Regex bad("(");
    FAIL() << "compiled";
  } catch (const query::RegexError& e) {
    EXPECT_STREQ(e.what(), "(1,\"missing )\")");
  }
  EXPECT_THROW(query::Regex("[a"), query::RegexError);
  EXPECT_THROW(query::Regex("(?z)a"), query::RegexError);
}
