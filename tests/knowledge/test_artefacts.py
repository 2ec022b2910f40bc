import json

import yaml

from bot.knowledge.lexicon import Lexicon


def test_jieba_dictionary_holds_roles_and_tiers(seeds):
    words = (seeds.artefacts.jieba_dir / "userdict.txt").read_text(encoding="utf-8").split("\n")
    entries = {line.split()[0] for line in words if line}
    assert {"客服主管", "客户体验总监", "一线城市", "三线及以下", "资深"} <= entries


def test_role_names_stay_single_tokens_with_the_dictionary(seeds):
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.load_userdict(str(seeds.artefacts.jieba_dir / "userdict.txt"))
    assert "客户服务管理师" in tokenizer.lcut("客户服务管理师的证书")
    assert "客服主管" in tokenizer.lcut("一线城市客服主管工资")


def test_lookups_are_longest_first_and_synonyms_map_to_canonical(seeds):
    doc = yaml.safe_load(seeds.artefacts.nlu_file.read_text(encoding="utf-8"))
    lookups = {e["lookup"]: e["examples"].split("\n") for e in doc["nlu"] if "lookup" in e}
    roles = [w.lstrip("- ") for w in lookups["role"] if w]
    assert roles.index("客服主管") < roles.index("客服")
    synonyms = {e["synonym"]: e["examples"] for e in doc["nlu"] if "synonym" in e}
    assert "客户体验总监" in synonyms["客服总监"]
    assert "北上广深" in synonyms["一线"]
    assert "新手" in synonyms["入门"]


def test_stated_aliases_extend_the_lexicon():
    lex = Lexicon.load()
    assert lex.resolve_role("客户成功负责人") is None
    lex.add_aliases({"客户成功负责人": "客服经理"})
    assert lex.resolve_role("客户成功负责人") == "客服经理"


def test_each_artefact_is_written_under_its_own_name(seeds):
    paths = seeds.artefacts
    assert paths.nlu_file.name == "lexicon.generated.yml"
    assert yaml.safe_load(paths.nlu_file.read_text(encoding="utf-8"))["nlu"]
    assert paths.homophones_file.name == "homophones.json"
    assert set(json.loads(paths.homophones_file.read_text(encoding="utf-8"))) == {
        "words",
        "readings",
    }
