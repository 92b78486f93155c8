return await Chorus.Server.ChorusServer.RunAsync(args);
