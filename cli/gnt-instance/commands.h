// The gnt-instance commands, one file per command or group.
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
int info(const Invocation& inv);       // info.cpp
int modify(const Invocation& inv);     // modify.cpp
std::vector<OptionSpec> modifyOptions();
int growDisk(const Invocation& inv);         // disks.cpp
int activateDisks(const Invocation& inv);    // disks.cpp
int deactivateDisks(const Invocation& inv);  // disks.cpp
int reinstall(const Invocation& inv);  // reinstall.cpp
int rename(const Invocation& inv);     // rename.cpp
int batchCreate(const Invocation& inv);  // batch_create.cpp

}  // namespace gantry::cli::instance
