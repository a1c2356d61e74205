"""`python -m powerbi`: regenerate the project, or check that the committed one is current."""

from __future__ import annotations

from powerbi.__main__ import main


def test_check_passes_on_the_committed_project(capsys) -> None:
    assert main(["--check"]) == 0
    assert "files up to date" in capsys.readouterr().out


def test_check_fails_on_a_folder_without_the_files_and_says_how_to_fix_it(tmp_path, capsys) -> None:
    status = main(["--check", "--root", str(tmp_path)])

    output = capsys.readouterr()
    assert status == 1
    assert "missing: SpotifyListening.pbip" in output.out
    assert "run `python -m powerbi` and commit the result" in output.err


def test_writing_a_new_folder_makes_it_pass_the_check(tmp_path, capsys) -> None:
    assert main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "SpotifyListening.pbip").is_file()

    assert main(["--check", "--root", str(tmp_path)]) == 0
