// The one list of every logical unit the master knows. Each domain's file
// defines its register function; an opcode without one is answered "not
// implemented yet".
#include "daemon/master/lu/logical_unit.h"

namespace gantry::daemon::master {

void registerTestDelay();
void registerTestJqueue();
void registerTestAllocator();
void registerClusterSetParams();
void registerClusterDestroy();
void registerClusterVerify();
void registerClusterVerifyConfig();
void registerClusterVerifyGroup();
void registerNodeAdd();
void registerNodeSetParams();
void registerNodeRemove();
void registerNodeEvacuate();
void registerOsDiagnose();
void registerInstanceCreate();
void registerInstanceRemove();
void registerInstancePower();
void registerInstanceFailover();
void registerInstanceMigrate();
void registerInstanceReboot();
void registerInstanceConsole();
void registerInstanceQueryData();
void registerInstanceGrowDisk();
void registerInstanceActivateDisks();
void registerInstanceReinstall();
void registerInstanceRename();
void registerInstanceSetParams();
void registerInstanceMultiAlloc();
void registerTags();
void registerTagsQueries();

void registerAllLogicalUnits() {
  static const bool done = [] {
    registerTestDelay();
    registerTestJqueue();
    registerTestAllocator();
    registerClusterSetParams();
    registerClusterDestroy();
    registerClusterVerify();
    registerClusterVerifyConfig();
    registerClusterVerifyGroup();
    registerNodeAdd();
    registerNodeSetParams();
    registerNodeRemove();
    registerNodeEvacuate();
    registerOsDiagnose();
    registerInstanceCreate();
    registerInstanceRemove();
    registerInstancePower();
    registerInstanceFailover();
    registerInstanceMigrate();
    registerInstanceReboot();
    registerInstanceConsole();
    registerInstanceQueryData();
    registerInstanceGrowDisk();
    registerInstanceActivateDisks();
    registerInstanceReinstall();
    registerInstanceRename();
    registerInstanceSetParams();
    registerInstanceMultiAlloc();
    registerTags();
    registerTagsQueries();
    return true;
  }();
  (void)done;
}

}  // namespace gantry::daemon::master
