#include "samples.h"

#include <algorithm>

namespace gantry::bench {

double Samples::median() const {
  if (ms_.empty()) return 0;
  std::vector<double> sorted = ms_;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t mid = sorted.size() / 2;
  return sorted.size() % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

double Samples::min() const { return ms_.empty() ? 0 : *std::min_element(ms_.begin(), ms_.end()); }

double Samples::max() const { return ms_.empty() ? 0 : *std::max_element(ms_.begin(), ms_.end()); }

}  // namespace gantry::bench
