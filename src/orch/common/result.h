#pragma once

#include <type_traits>
#include <utility>
#include <variant>

#include "orch/common/check.h"
#include "orch/common/error.h"

namespace orch {

/// Either a value or an Error. The project's stand-in for std::expected (C++23); switch to it
/// when the toolchain moves on. Accessing the value of an error (or the error of a value) is
/// a programmer error and stops the process.
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<T, Error>, "Result<Error> is ambiguous");

  Result(const T& value) : storage_(value) {}          // NOLINT: implicit by design, like expected
  Result(T&& value) : storage_(std::move(value)) {}    // NOLINT
  Result(Error error) : storage_(std::move(error)) {}  // NOLINT
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result<T>>)
      Result(U&& value)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return storage_.index() == 0; }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    ORCH_CHECK(ok(), "value() on an error: {}", std::get<1>(storage_).ToString());
    return std::get<0>(storage_);
  }
  const T& value() const& {
    ORCH_CHECK(ok(), "value() on an error: {}", std::get<1>(storage_).ToString());
    return std::get<0>(storage_);
  }
  // By value, not T&&: `for (auto& x : *MakeResult())` must not dangle once the temporary
  // Result is gone.
  T value() && {
    ORCH_CHECK(ok(), "value() on an error: {}", std::get<1>(storage_).ToString());
    return std::get<0>(std::move(storage_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    ORCH_CHECK(!ok(), "error() on a value");
    return std::get<1>(storage_);
  }
  Error&& error() && {
    ORCH_CHECK(!ok(), "error() on a value");
    return std::get<1>(std::move(storage_));
  }

 private:
  std::variant<T, Error> storage_;
};

/// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), has_error_(true) {}  // NOLINT

  bool ok() const { return !has_error_; }
  bool has_value() const { return ok(); }
  explicit operator bool() const { return ok(); }

  const Error& error() const& {
    ORCH_CHECK(has_error_, "error() on a success");
    return error_;
  }
  Error&& error() && {
    ORCH_CHECK(has_error_, "error() on a success");
    return std::move(error_);
  }

 private:
  Error error_{ErrorCode::kInternal, ""};
  bool has_error_ = false;
};

/// The success value of Result<void>.
inline Result<void> Ok() { return {}; }

}  // namespace orch

#define ORCH_CONCAT_INNER(a, b) a##b
#define ORCH_CONCAT(a, b) ORCH_CONCAT_INNER(a, b)

#define ORCH_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                       \
    auto&& tmp = (expr);                     \
    if (!tmp.ok()) [[unlikely]] {            \
      return std::move(tmp).error();         \
    }                                        \
  } while (false)

/// Returns the error of `expr` (a Result) from the enclosing function, if any. The temporary's
/// name is unique per expansion so that the macro nests (a lambda inside its argument).
#define ORCH_RETURN_IF_ERROR(expr) \
  ORCH_RETURN_IF_ERROR_IMPL(ORCH_CONCAT(orch_result_, __COUNTER__), expr)

#define ORCH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) [[unlikely]] {                    \
    return std::move(tmp).error();                 \
  }                                                \
  lhs = std::move(tmp).value()

/// `ORCH_ASSIGN_OR_RETURN(auto x, Compute());` declares x from the value of a Result, or
/// returns its error from the enclosing function.
#define ORCH_ASSIGN_OR_RETURN(lhs, expr) \
  ORCH_ASSIGN_OR_RETURN_IMPL(ORCH_CONCAT(orch_assign_, __COUNTER__), lhs, expr)
