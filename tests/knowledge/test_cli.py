from bot.knowledge.__main__ import main


def test_show_prints_facts_with_sources(seeds, monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB", str(seeds.store))
    assert main(["show", "客服主管", "salary"]) == 0
    out = capsys.readouterr().out
    assert "来源:《客服主管职业发展前景深度分析" in out
    assert "18000-30000元/月" in out


def test_show_unknown_role_lists_known_ones(seeds, monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB", str(seeds.store))
    assert main(["show", "程序员"]) == 2
    assert "客服主管" in capsys.readouterr().err


def test_stats_table(seeds, monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB", str(seeds.store))
    assert main(["stats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    salary = next(line for line in lines if line.startswith("salary"))
    assert salary.split()[-1] == "23"


def test_missing_store_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KNOWLEDGE_DB", str(tmp_path / "none.db"))
    assert main(["stats"]) == 1
    assert "bot.knowledge build" in capsys.readouterr().err
