#pragma once

#include "orch/devnet/anvil_process.h"

namespace orch::test_support {

using devnet::AnvilOptions;
using devnet::AnvilProcess;

}  // namespace orch::test_support
