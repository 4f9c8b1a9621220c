"""The prompt request's fields are built once per thread (DRF deep-copies them per instance:
most of a validation's time, docs/benchmarks.md, issue 19), and validation stays exact."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework.exceptions import ValidationError

from hawk.api.serializers import PromptRequestSerializer, validated_prompt_request


def test_two_requests_on_one_thread_share_their_fields_bound_to_each_in_turn():
    first = PromptRequestSerializer(data={"user_prompt": "a"})
    second = PromptRequestSerializer(data={"user_prompt": "b"})
    assert first.fields["user_prompt"] is second.fields["user_prompt"]
    assert second.fields["user_prompt"].parent is second
    assert second.fields["template_variables"].child.parent is second.fields["template_variables"]


def test_another_thread_has_fields_of_its_own():
    here = PromptRequestSerializer(data={}).fields["user_prompt"]
    with ThreadPoolExecutor(1) as pool:
        there = pool.submit(lambda: PromptRequestSerializer(data={}).fields["user_prompt"]).result()
    assert there is not here


def test_a_bad_request_after_a_good_one_still_names_its_field():
    assert validated_prompt_request({"user_prompt": "Can we hedge 2M USD today?"})["stream"]
    with pytest.raises(ValidationError) as refused:
        validated_prompt_request({"user_prompt": "x", "currency": "XYZ", "amount": "-1"})
    assert set(refused.value.detail) == {"currency", "amount"}
    assert validated_prompt_request({"user_prompt": "x", "nav_type": "RE"})["nav_type"] == "RE"


def test_validations_on_many_threads_at_once_each_get_their_own_answer():
    def check(number: int) -> bool:
        if number % 2:
            try:
                validated_prompt_request({"user_prompt": "x", "currency": f"Q{number:02d}"[:3]})
            except ValidationError as exc:
                return set(exc.detail) == {"currency"}
            return False
        body = {"user_prompt": f"prompt {number}", "amount": number + 1}
        valid = validated_prompt_request(body)
        return valid["user_prompt"] == f"prompt {number}" and valid["amount"] == number + 1

    start = threading.Barrier(8)

    def after_start(number: int) -> bool:
        if number < 8:
            start.wait(5)
        return check(number)

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(after_start, range(400)))
