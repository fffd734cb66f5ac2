#pragma once

#include "orch/devnet/loopback_port.h"

namespace orch::test_support {

using devnet::FreeLoopbackPort;

}  // namespace orch::test_support
