"""Code the graph tests share, one module per job (every test area keeps its shared code
under the one name ``helpers``: tests/engine/helpers.py, tests/app/helpers.py, this package;
pytest fixtures stay in conftest.py, where pytest looks for them).

- ``snapshot``: a document's content independent of node and wire order;
- ``exported_scripts``: run an exported script and compare its numbers with the document's;
- ``torch_reference``: run fixture scripts under real PyTorch as the reference;
- ``seed_programs``: the seed tutorials' programs, as scripts;
- ``script_checks``: what a script's recorded document must satisfy.
"""
