// The gnt-instance commands built so far, one file per group.
#pragma once

#include "cli/common/tool.h"

namespace gantry::cli::instance {

int add(const Invocation& inv);        // add.cpp
int list(const Invocation& inv);       // list.cpp
int remove(const Invocation& inv);     // lifecycle.cpp
int startup(const Invocation& inv);    // lifecycle.cpp
int shutdown(const Invocation& inv);   // lifecycle.cpp
int failover(const Invocation& inv);   // lifecycle.cpp
int migrate(const Invocation& inv);    // lifecycle.cpp
int reboot(const Invocation& inv);     // lifecycle.cpp
int console(const Invocation& inv);    // console.cpp

}  // namespace gantry::cli::instance
