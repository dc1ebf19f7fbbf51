Console.WriteLine("a");
