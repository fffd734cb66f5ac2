# What every project target compiles with: orch_configure_target(target) applies the warning
# policy and, when enabled, the shared precompiled header.

# -Wno-missing-field-initializers: g++ 12 warns on designated initializers that leave fields at
# their defaults ({.name = "q"}), which is exactly how option structs are meant to be used.
set(ORCH_WARNING_OPTIONS -Wall -Wextra -Werror -Wpedantic -Wshadow -Wnon-virtual-dtor
                         -Wold-style-cast -Wno-missing-field-initializers)

# One precompiled header of the standard library, nlohmann/json, fmt and spdlog, compiled once
# (orch_pch) and reused by every target: parsing them costs seconds per translation unit on a
# small machine. Off by default, because ccache cannot cache such builds (CMakeLists.txt) and
# ccache matters more to repeated builds; the demo preset turns it on for its cold build.
# Only third-party and standard headers go in, so that editing a project header does not
# rebuild everything. -Winvalid-pch makes a header that the compiler rejects (flags that differ
# from orch_pch's) a build error instead of a silent slowdown.
if(ORCH_PRECOMPILED_HEADERS)
  list(APPEND ORCH_WARNING_OPTIONS -Winvalid-pch)
  file(WRITE ${CMAKE_BINARY_DIR}/orch_pch.cc "")
  add_library(orch_pch OBJECT ${CMAKE_BINARY_DIR}/orch_pch.cc)
  target_compile_options(orch_pch PRIVATE ${ORCH_WARNING_OPTIONS})
  target_link_libraries(orch_pch PRIVATE fmt::fmt spdlog::spdlog nlohmann_json::nlohmann_json)
  target_precompile_headers(orch_pch PRIVATE
    <algorithm> <array> <atomic> <chrono> <cstddef> <cstdint> <filesystem> <functional> <map>
    <memory> <mutex> <optional> <span> <string> <string_view> <thread> <utility> <variant>
    <vector>
    <nlohmann/json.hpp> <fmt/format.h> <fmt/ranges.h> <spdlog/spdlog.h>)
endif()

function(orch_configure_target target)
  target_compile_options(${target} PRIVATE ${ORCH_WARNING_OPTIONS})
  # A unity build (CMAKE_UNITY_BUILD) includes the .cc files into one generated file, where g++
  # takes their anonymous-namespace types for header types and warns on every class that uses
  # one.
  if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
  if(ORCH_PRECOMPILED_HEADERS)
    target_precompile_headers(${target} REUSE_FROM orch_pch)
  endif()
endfunction()
