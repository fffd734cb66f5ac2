#pragma once

#include <string>
#include <vector>

// argv and envp arrays for execv/execve. Tests build them before fork, so that the child only
// calls exec (allocating after fork in a multi-threaded process may deadlock).
namespace orch::test_support {

/// Pointers into `strings` (which must outlive the result), after `first` when given, ending
/// with the nullptr exec expects.
inline std::vector<char*> ExecArray(const std::vector<std::string>& strings,
                                    const char* first = nullptr) {
  std::vector<char*> array;
  array.reserve(strings.size() + 2);
  if (first != nullptr) {
    array.push_back(const_cast<char*>(first));
  }
  for (const std::string& string : strings) {
    array.push_back(const_cast<char*>(string.c_str()));
  }
  array.push_back(nullptr);
  return array;
}

}  // namespace orch::test_support
