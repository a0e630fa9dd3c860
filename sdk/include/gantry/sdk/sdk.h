// Everything a plugin author needs: include this one header.
#pragma once

#include "gantry/sdk/host.h"
#include "gantry/sdk/hypervisor.h"
#include "gantry/sdk/instance_allocator.h"
#include "gantry/sdk/instance_spec.h"
#include "gantry/sdk/os_provider.h"
#include "gantry/sdk/params.h"
#include "gantry/sdk/plugin_abi.h"
#include "gantry/sdk/result.h"
#include "gantry/sdk/storage.h"
