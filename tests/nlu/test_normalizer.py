"""The TextNormalizer component, run the way Rasa's graph runs it."""

from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.normalizer import READ_AS, SCRIPT, TextNormalizer


def normalizer(homophones: str | None = None) -> TextNormalizer:
    return TextNormalizer.create({"homophones": homophones}, None, None, None)


def test_traditional_fullwidth_input_is_normalized_and_script_remembered():
    message = Message({TEXT: "客服總監的薪資是多少?"})
    (out,) = normalizer().process([message])
    assert out.get(TEXT) == "客服总监的薪资是多少?"
    assert out.get(SCRIPT) == "traditional"
    assert SCRIPT in out.as_dict(only_output_properties=True)


def test_simplified_input_keeps_its_text():
    (out,) = normalizer().process([Message({TEXT: "客服主管工资多少"})])
    assert out.get(TEXT) == "客服主管工资多少"
    assert out.get(SCRIPT) == "simplified"


def test_training_examples_and_entity_values_are_normalized_too():
    entity = {"entity": "role", "start": 0, "end": 4, "value": "客服經理"}
    data = TrainingData([Message({TEXT: "客服經理證書", "intent": "inform", "entities": [entity]})])
    normalizer().process_training_data(data)
    example = data.training_examples[0]
    assert example.get(TEXT) == "客服经理证书"
    assert example.get("entities")[0]["value"] == "客服经理"


def test_empty_message_is_left_alone():
    (out,) = normalizer().process([Message({TEXT: ""})])
    assert out.get(TEXT) == "" and out.get(SCRIPT) is None


def test_a_typo_is_repaired_and_the_text_as_read_goes_out(seeds):
    repairing = normalizer(str(seeds.artefacts.homophones_file))
    (out,) = repairing.process([Message({TEXT: "客服主管的岗位職則有哪些"})])
    assert out.get(TEXT) == "客服主管的岗位职责有哪些"
    assert out.as_dict(only_output_properties=True)[READ_AS] == "客服主管的岗位职责有哪些"
    (plain,) = repairing.process([Message({TEXT: "客服主管的岗位职责有哪些"})])
    assert READ_AS not in plain.as_dict(only_output_properties=True)


def test_training_examples_are_not_repaired(seeds):
    data = TrainingData([Message({TEXT: "岗位职则", "intent": "ask_duties"})])
    normalizer(str(seeds.artefacts.homophones_file)).process_training_data(data)
    assert data.training_examples[0].get(TEXT) == "岗位职则"
