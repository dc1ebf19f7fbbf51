Console.WriteLine("w");
