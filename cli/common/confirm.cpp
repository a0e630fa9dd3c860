#include "cli/common/confirm.h"

#include <cstring>
#include <sstream>

namespace gantry::cli {

std::string wrapText(const std::string& text, std::size_t width) {
  std::string out;
  std::istringstream paragraphs(text);
  std::string paragraph;
  bool firstParagraph = true;
  while (std::getline(paragraphs, paragraph)) {
    if (!firstParagraph) out += '\n';
    firstParagraph = false;
    std::istringstream words(paragraph);
    std::string word;
    std::string line;
    while (words >> word) {
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        out += line + '\n';
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
    }
    out += line;
  }
  return out;
}

std::string askUser(const std::string& question, const std::vector<Choice>& choices,
                    std::FILE* in, std::FILE* out) {
  const std::string fallback = choices.empty() ? "n" : choices.back().key;
  std::FILE* tty = nullptr;
  if (in == nullptr || out == nullptr) {
    tty = std::fopen("/dev/tty", "r+");
    if (tty == nullptr) return fallback;  // no terminal: the default
    in = out = tty;
  }
  std::string prompt;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    const bool isDefault = i + 1 == choices.size();
    prompt += isDefault ? "[" + choices[i].key + "]" : choices[i].key;
    prompt += "/";
  }
  prompt += "?";
  std::string answer = fallback;
  std::fprintf(out, "%s\n", wrapText(question).c_str());
  for (;;) {
    std::fprintf(out, "%s: ", prompt.c_str());
    std::fflush(out);
    char buf[256];
    if (std::fgets(buf, sizeof buf, in) == nullptr) break;  // EOF: default
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    line = line.substr(0, 2);  // Ganeti reads only the first two characters
    bool matched = false;
    for (const auto& c : choices) {
      if (line == c.key) {
        answer = c.key;
        matched = true;
      }
    }
    if (matched) break;
    if (line == "?") {
      for (const auto& c : choices) {
        std::fprintf(out, " %s - %s\n", c.key.c_str(), c.help.c_str());
      }
      std::fprintf(out, "\n");
    }
  }
  if (tty != nullptr) std::fclose(tty);
  return answer;
}

bool askYesNo(const std::string& question, std::FILE* in, std::FILE* out) {
  return askUser(question,
                 {{"y", "Perform the operation"}, {"n", "Do not perform the operation"}},
                 in, out) == "y";
}

}  // namespace gantry::cli
