// Confirmations for destructive commands (Ganeti's AskUser): the question
// and the answer go through the controlling terminal, never stdout/stdin;
// without a terminal the default (the last choice, normally "no") is taken.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace gantry::cli {

struct Choice {
  std::string key;   // "y"
  std::string help;  // "Perform the operation"
};

/// Asks `question` (wrapped at 70 columns) with `choices`; the last choice
/// is the default and is shown in brackets: "y/[n]/?: ". Returns the key.
/// `in`/`out` replace the terminal (tests); by default /dev/tty is used.
std::string askUser(const std::string& question, const std::vector<Choice>& choices,
                    std::FILE* in = nullptr, std::FILE* out = nullptr);

/// Yes/no form: true for "y".
bool askYesNo(const std::string& question, std::FILE* in = nullptr,
              std::FILE* out = nullptr);

/// The question text wrapped at 70 columns as Ganeti does (textwrap).
std::string wrapText(const std::string& text, std::size_t width = 70);

}  // namespace gantry::cli
