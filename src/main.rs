fn main() {
    mcp_desk::start()
}
