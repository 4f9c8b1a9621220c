"""The response shapes of /api/analytics, for the OpenAPI schema (documentation only: the
views return the selectors' dicts; tests check real responses against these shapes)."""

from rest_framework import serializers

Amount = serializers.CharField  # amounts and ratios travel as strings (API.md)


class CapacityRowSchema(serializers.Serializer):
    entity_id = serializers.CharField()
    entity_type = serializers.CharField()
    nav_type = serializers.CharField()
    sfx = Amount()
    car = Amount()
    overlay = Amount()
    buffer_pct = Amount()
    buffer = Amount()
    hedged = Amount()
    hedgeable = Amount()
    unhedged = Amount()
    available = Amount()
    utilisation = Amount(allow_null=True)
    state = serializers.CharField()


class WarningSchema(serializers.Serializer):
    currency = serializers.CharField(required=False)
    code = serializers.CharField()
    severity = serializers.CharField()
    message = serializers.CharField()


class CurrencyCapacitySchema(serializers.Serializer):
    currency = serializers.CharField()
    rows = CapacityRowSchema(many=True)
    total_sfx = Amount()
    total_hedged = Amount()
    total_available = Amount()
    warnings = WarningSchema(many=True)


class CapacityOverviewSchema(serializers.Serializer):
    business_date = serializers.DateField()
    currencies = CurrencyCapacitySchema(many=True)


class ThresholdSchema(serializers.Serializer):
    threshold_id = serializers.CharField()
    threshold_type = serializers.CharField()
    currency = serializers.CharField(allow_null=True)
    entity_type = serializers.CharField(allow_null=True)
    warning_level = Amount()
    critical_level = Amount()
    maximum_limit = Amount()
    unit_of_measure = serializers.CharField(allow_null=True)
    current_value = Amount(allow_null=True)
    status = serializers.ChoiceField(
        ["WITHIN", "WARN", "CRITICAL", "BREACH", "UNKNOWN", "NOT_COMPUTED"]
    )
    reason = serializers.CharField(allow_null=True)


class ThresholdOverviewSchema(serializers.Serializer):
    business_date = serializers.DateField()
    thresholds = ThresholdSchema(many=True)
    warnings = WarningSchema(many=True)


class EffectivenessTestSchema(serializers.Serializer):
    effectiveness_id = serializers.CharField()
    allocation_id = serializers.CharField(allow_null=True)
    measurement_date = serializers.DateField(allow_null=True)
    hedged_item_change = Amount(allow_null=True)
    instrument_change = Amount(allow_null=True)
    ratio = Amount(allow_null=True)
    result = serializers.ChoiceField(["PASS", "FAIL", "INCONCLUSIVE"])
    recorded_result = serializers.CharField(allow_null=True)


class EffectivenessSummarySchema(serializers.Serializer):
    total = serializers.IntegerField()
    PASS = serializers.IntegerField()
    FAIL = serializers.IntegerField()
    INCONCLUSIVE = serializers.IntegerField()


class EffectivenessOverviewSchema(serializers.Serializer):
    method = serializers.CharField()
    lower = Amount()
    upper = Amount()
    materiality = Amount()
    summary = EffectivenessSummarySchema()
    tests = EffectivenessTestSchema(many=True)
    failures = EffectivenessTestSchema(many=True)


class FailedCheckSchema(serializers.Serializer):
    instruction_id = serializers.CharField()
    order_id = serializers.CharField()
    exposure_currency = serializers.CharField()
    check_status = serializers.CharField()
    failure_reason = serializers.CharField(allow_null=True)
    instruction_date = serializers.DateField()


class DataQualitySchema(serializers.Serializer):
    nav_id = serializers.CharField()
    entity_id = serializers.CharField()
    currency_code = serializers.CharField()
    as_of_date = serializers.DateField()
    data_quality_status = serializers.CharField(allow_null=True)
    data_quality_notes = serializers.CharField(allow_null=True)


class StuckInstructionSchema(serializers.Serializer):
    instruction_id = serializers.CharField()
    order_id = serializers.CharField()
    instruction_status = serializers.CharField(allow_null=True)
    instruction_date = serializers.DateField()


class ExceptionsOverviewSchema(serializers.Serializer):
    business_date = serializers.DateField()
    failed_checks = FailedCheckSchema(many=True)
    threshold_alerts = ThresholdSchema(many=True)
    rate_problems = WarningSchema(many=True)
    data_quality = DataQualitySchema(many=True)
    stuck_instructions = StuckInstructionSchema(many=True)


class UsageTotalsSchema(serializers.Serializer):
    runs = serializers.IntegerField()
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    cost = Amount(help_text="USD")
    quality_mean = Amount(allow_null=True)
    likes = serializers.IntegerField()
    dislikes = serializers.IntegerField()


class PercentilesSchema(serializers.Serializer):
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)
    p99 = serializers.FloatField(allow_null=True)


class LatencySchema(serializers.Serializer):
    total_ms = PercentilesSchema()
    first_token_ms = PercentilesSchema()


class UsageOverviewSchema(serializers.Serializer):
    totals = UsageTotalsSchema()
    series = serializers.ListField(child=serializers.DictField(), help_text="{at, runs}")
    by_intent = serializers.DictField(child=serializers.IntegerField())
    by_backend = serializers.DictField(child=serializers.IntegerField())
    by_status = serializers.DictField(child=serializers.IntegerField())
    by_channel = serializers.DictField(child=serializers.IntegerField())
    by_template = serializers.DictField(child=serializers.IntegerField())
    data_cache = serializers.DictField(help_text="counts by cache status and hit_rate")
    answer_cache = serializers.DictField(help_text="counts by answer-cache status and hit_rate")
    latency_ms = LatencySchema()


class UserUsageSchema(serializers.Serializer):
    user = serializers.CharField(allow_null=True)
    runs = serializers.IntegerField()
    tokens = serializers.IntegerField()
    cost = Amount(help_text="USD")


class UsageByUserSchema(serializers.Serializer):
    most_active = UserUsageSchema(many=True)
    most_expensive = UserUsageSchema(many=True)
