#include "orch/sql/sql_database.h"

#include <charconv>

namespace orch::sql {

Result<std::int64_t> ColumnInt64(const SqlRow& row, std::size_t index, std::string_view column) {
  if (index >= row.size() || !row[index]) {
    return Error::DataLoss("column {} is NULL or missing", column);
  }
  const std::string& text = *row[index];
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Error::DataLoss("column {} holds '{}', not an integer", column, text);
  }
  return value;
}

Result<std::string> ColumnText(const SqlRow& row, std::size_t index, std::string_view column) {
  if (index >= row.size() || !row[index]) {
    return Error::DataLoss("column {} is NULL or missing", column);
  }
  return *row[index];
}

std::string ParamList::Add(SqlValue value) {
  values_.push_back(std::move(value));
  // Appended rather than `"?" + std::to_string(...)`, which GCC 12 at -O3 flags with a false
  // -Wrestrict.
  std::string placeholder(1, dialect_ == Dialect::kSqlite ? '?' : '$');
  placeholder += std::to_string(values_.size());
  return placeholder;
}

}  // namespace orch::sql
