from sllm.cli import main

raise SystemExit(main())
