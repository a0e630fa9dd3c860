#include "daemon/master/instance/hypervisor_params.h"

#include "core/cluster/spec_json.h"
#include "core/plugins/registry.h"
#include "daemon/master/lu/logical_unit.h"
#include "gantry/sdk/hypervisor.h"

namespace gantry::daemon::master {

void requireValidHypervisorParams(const MasterServices& services, const std::string& hypervisor,
                                  const nlohmann::json& filled) {
  if (services.plugins == nullptr) return;
  auto plugin = services.plugins->get<sdk::Hypervisor>(hypervisor);
  if (!plugin) return;
  sdk::ParamMap params;
  try {
    params = core::cluster::paramsFromJson(filled, "hvparams");
  } catch (const core::cluster::SpecJsonError& e) {
    throw PrereqError(e.what(), sdk::ErrorCode::kInvalid);
  }
  if (auto checked = (*plugin)->checkParameters(params); !checked) {
    throw PrereqError(checked.error().message, sdk::ErrorCode::kInvalid);
  }
}

}  // namespace gantry::daemon::master
