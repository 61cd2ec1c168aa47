"""Domain logic for reading articles: cleaning, language, actors, topics, claims. No Kafka here."""
