fn main() { longwen_desktop::run() }
