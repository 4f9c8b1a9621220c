"""The HAWK tables (same table and column names as the existing HAWK database) and the agent's."""

from hawk.models.agent import AgentRun, BusinessDate
from hawk.models.fields import CurrencyType, EntityType, NavType, YesNo
from hawk.models.ids import IdSequence
from hawk.models.instructions import DealBooking, GlEntry, HedgeBusinessEvent, HedgeInstruction
from hawk.models.positions import Allocation, HedgeEffectiveness, PositionNav
from hawk.models.reference import (
    BufferConfiguration,
    Currency,
    CurrencyRate,
    Entity,
    HedgingFramework,
    InstructionEventConfig,
    OverlayConfiguration,
    ThresholdConfiguration,
    WaterfallLogicConfiguration,
)

__all__ = [
    "AgentRun",
    "Allocation",
    "BufferConfiguration",
    "BusinessDate",
    "Currency",
    "CurrencyRate",
    "CurrencyType",
    "DealBooking",
    "Entity",
    "EntityType",
    "GlEntry",
    "HedgeBusinessEvent",
    "HedgeEffectiveness",
    "HedgeInstruction",
    "HedgingFramework",
    "IdSequence",
    "InstructionEventConfig",
    "NavType",
    "OverlayConfiguration",
    "PositionNav",
    "ThresholdConfiguration",
    "WaterfallLogicConfiguration",
    "YesNo",
]
