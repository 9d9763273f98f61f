import PackagePlugin
@main struct GreenlightQC: CommandPlugin { func performCommand(context: PluginContext, arguments: [String]) async throws {} }
