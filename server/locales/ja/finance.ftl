# finance
