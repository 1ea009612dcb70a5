from sllm.entry import main

raise SystemExit(main())
