/**
 * initlab interop, browser-safe: safetensors bytes in and out, PyTorch MLP state_dicts as
 * initlab networks and back, and the PyTorch script of a configuration. The file-reading
 * versions are in `initlab/node`, the TensorFlow.js initializers and probe in `initlab/tfjs`.
 */
export {
  DTYPE_SIZE,
  decodeSafetensors,
  encodeSafetensors,
  HEADER_LIMIT,
  type SafeTensor,
  type SafetensorsContents,
  type SafetensorsDtype,
  type TensorToWrite,
} from "./safetensors.js";
export {
  INITIAL_PREFIX,
  linearLayersOf,
  networkFromStateDict,
  type StateDictLayer,
  stateDictTensors,
} from "./state-dict.js";
export { torchDataTensors } from "./torch-data.js";
export { type TorchScriptOptions, torchActivation, torchInitCode, torchScript } from "./torch-export.js";
export { TORCH_MODULE_CODE, torchFixupCode, torchModuleCall } from "./torch-module.js";
