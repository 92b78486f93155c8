return await Chorus.StepsService.StepsServiceHost.RunAsync(args);
