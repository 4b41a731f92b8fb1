// The configuration stage 4's decisions read (names as in spec section 1): the union of what each layer's
// pure module asks for. The loaded Config satisfies it (tests/unit/application/stage4/stage4-settings.test.ts),
// so every stage 4 knob reaches its rule with the type the rule expects.

import type { UniverseSettings } from '../../domain/market/universe-input';
import type { LifecycleSettings } from '../../domain/oms/lifecycle-plan';
import type { FreezeSettings } from '../../domain/oms/unknown-order-freeze';
import type { DecisionPipelineSettings } from '../../domain/portfolio/decision-pipeline';
import type { ActionFilterSettings } from '../../domain/risk/action-filter';
import type { AgentPolicySettings } from '../../domain/risk/agent-policy';
import type { AnomalySettings } from '../../domain/risk/anomalies';
import type { DegradeSettings } from '../../domain/risk/degrade';
import type { ModeGateSettings } from '../../domain/risk/mode-gate';
import type { RiskBudgetSettings } from '../../domain/risk/risk-budget';
import type { Stage4ExecutionSettings } from './execute-actions-context';

export interface Stage4Settings
  extends UniverseSettings,
    DecisionPipelineSettings,
    LifecycleSettings,
    ActionFilterSettings,
    RiskBudgetSettings,
    AnomalySettings,
    DegradeSettings,
    ModeGateSettings,
    AgentPolicySettings,
    FreezeSettings,
    Stage4ExecutionSettings {}
