// Symbol visibility for SDK types. Plugins build with hidden visibility; the
// interfaces and the descriptor must stay visible so that type identity
// (dynamic_cast, exceptions inside one process) works across the .so edge.
#pragma once

#define GANTRY_SDK_API __attribute__((visibility("default")))
