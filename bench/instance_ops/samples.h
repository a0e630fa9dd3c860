// The wall times of one operation over several runs.
#pragma once

#include <vector>

namespace gantry::bench {

class Samples {
 public:
  void add(double ms) { ms_.push_back(ms); }
  bool empty() const { return ms_.empty(); }
  int count() const { return static_cast<int>(ms_.size()); }
  /// The middle value (the mean of the two middle ones for an even count):
  /// one slow run, a page-cache miss or a scheduler hiccup, does not move it.
  double median() const;
  double min() const;
  double max() const;

 private:
  std::vector<double> ms_;
};

}  // namespace gantry::bench
