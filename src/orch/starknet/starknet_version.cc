#include "orch/starknet/starknet_version.h"

#include <array>
#include <charconv>
#include <vector>

#include "orch/common/strings.h"

namespace orch::starknet {
namespace {

constexpr auto kKnownVersions = std::to_array<StarknetVersion>({
    {0, 13, 2},
    {0, 13, 3},
    {0, 13, 4},
    {0, 13, 5},
    {0, 14, 0},
    {0, 14, 1},
    {0, 14, 2},
});

std::string KnownVersionList() {
  std::vector<std::string> names;
  for (const StarknetVersion& version : kKnownVersions) {
    names.push_back(version.ToString());
  }
  std::vector<std::string_view> views(names.begin(), names.end());
  return JoinComma(views);
}

Result<std::uint32_t> ParseComponent(std::string_view component, std::string_view text) {
  const bool leading_zero = component.size() > 1 && component.front() == '0';
  std::uint32_t value = 0;
  const auto [end, error] =
      std::from_chars(component.data(), component.data() + component.size(), value);
  if (component.empty() || leading_zero || error != std::errc() ||
      end != component.data() + component.size()) {
    return Error::InvalidArgument(
        "'{}' is not a Starknet version: expected MAJOR.MINOR.PATCH[.BUILD] with decimal "
        "components (e.g. 0.13.2 or 0.13.2.1)",
        text);
  }
  return value;
}

}  // namespace

Result<StarknetVersion> StarknetVersion::Parse(std::string_view text) {
  const std::vector<std::string_view> components = SplitString(text, '.');
  if (components.size() != 3 && components.size() != 4) {
    return Error::InvalidArgument(
        "'{}' is not a Starknet version: expected MAJOR.MINOR.PATCH[.BUILD] (e.g. 0.13.2 or "
        "0.13.2.1)",
        text);
  }
  std::array<std::uint32_t, 4> parts{};
  for (std::size_t i = 0; i < components.size(); ++i) {
    ORCH_ASSIGN_OR_RETURN(parts[i], ParseComponent(components[i], text));
  }
  const StarknetVersion version(parts[0], parts[1], parts[2], parts[3]);
  if (version > Newest()) {
    return Error::InvalidArgument(
        "Starknet version {} is newer than the newest one whose DA encoding is known ({}); "
        "known versions: {}",
        version.ToString(), Newest().ToString(), KnownVersionList());
  }
  return version;
}

std::span<const StarknetVersion> StarknetVersion::KnownVersions() { return kKnownVersions; }

StarknetVersion StarknetVersion::Newest() { return kKnownVersions.back(); }

std::string StarknetVersion::ToString() const {
  std::string text = fmt::format("{}.{}.{}", parts_[0], parts_[1], parts_[2]);
  if (parts_[3] != 0) {
    text += fmt::format(".{}", parts_[3]);
  }
  return text;
}

}  // namespace orch::starknet
