// web/src/ui/settings.ts: the settings panel. The controls are in index.html; their ids and the
// ViewerSettings fields carry the CLI's configuration names (policy, checksum, midstream, depth,
// inspection mode, rules).

import { POLICIES } from "../../../src/core/abi.js";
import { DEFAULT_SETTINGS, type ViewerSettings } from "../protocol.js";
import { byId, h } from "./dom.js";

export interface SettingsPanel {
  read(): ViewerSettings;
}

/** Wires the panel; `onChange` runs when a setting changes (rules: on "Apply rules" or a rules file). */
export function initSettings(onChange: () => void): SettingsPanel {
  const policy = byId<HTMLSelectElement>("policy");
  for (const p of POLICIES) policy.append(h("option", { value: p, selected: p === DEFAULT_SETTINGS.policy }, p));
  const checksum = byId<HTMLSelectElement>("checksum");
  const midstream = byId<HTMLInputElement>("midstream");
  const depth = byId<HTMLInputElement>("depth");
  const inspection = byId<HTMLSelectElement>("inspection");
  const rules = byId<HTMLTextAreaElement>("rules");
  const rulesFile = byId<HTMLInputElement>("rules-file");
  let rulesName = DEFAULT_SETTINGS.rulesName;

  for (const el of [policy, checksum, midstream, inspection]) el.addEventListener("change", onChange);
  depth.addEventListener("change", () => { if (depth.checkValidity()) onChange(); });
  rules.addEventListener("input", () => { rulesName = "pasted"; });
  byId("apply-rules").addEventListener("click", onChange);
  rulesFile.addEventListener("change", async () => {
    const f = rulesFile.files?.[0];
    if (!f) return;
    rules.value = await f.text();
    rulesName = f.name;
    rulesFile.value = "";
    onChange();
  });

  return {
    read: () => ({
      policy: policy.value,
      checksum: checksum.value as ViewerSettings["checksum"],
      midstream: midstream.checked,
      depth: Math.max(0, Math.floor(Number(depth.value) || 0)),
      inspection: inspection.value as ViewerSettings["inspection"],
      rules: rules.value,
      rulesName,
    }),
  };
}
