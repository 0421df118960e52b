// PostgreSQL connection strings: parsed as libpq parses them, shown without their password.
#include <catch2/catch.hpp>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"
#include "engine/project/project.hpp"

using namespace buurt;

TEST_CASE("a connection string is parsed the way libpq parses it", "[conninfo]") {
    const auto pairs = parse_conninfo("PG:host=db.example.nl  dbname = gis password='ge heim\\'s' user=me");
    REQUIRE(pairs.size() == 4);
    CHECK(pairs[1] == std::make_pair(std::string("dbname"), std::string("gis")));
    CHECK(pairs[2] == std::make_pair(std::string("password"), std::string("ge heim's")));
    CHECK(conninfo_value("PG:port=1 port=2", "port") == "2");  // the last one wins, as in libpq
    CHECK_THROWS_AS(parse_conninfo("PG:host=x password='open"), config_error);
    CHECK_THROWS_AS(parse_conninfo("PG:dbname"), config_error);
}

TEST_CASE("what is shown of a database source never holds the password", "[conninfo]") {
    CHECK(display_source("PG:host=db dbname=gis password=geheim user=me") == "PG:host=db dbname=gis user=me");
    CHECK(display_source("pg:dbname='my db' password='a b'") == "PG:dbname='my db'");
    CHECK(display_source("PG:password='unterminated").find("unterminated") == std::string::npos);
    CHECK(display_source("blocks.gpkg") == "blocks.gpkg");
    // Quoting round-trips: what make_conninfo writes parses back to the same pairs.
    const std::vector<std::pair<std::string, std::string>> pairs{{"dbname", "a b"}, {"user", "o'neil\\x"}, {"host", ""}};
    CHECK(parse_conninfo(make_conninfo(pairs)) == pairs);
}

TEST_CASE("input errors name a database without its password", "[conninfo]") {
    const input_error e({"PG:host=db dbname=gis password=geheim", "basis.blokken", "", ""}, "cannot connect");
    CHECK(std::string(e.what()) == "PG:host=db dbname=gis, layer 'basis.blokken': cannot connect");
    SourceSpec s;
    s.path = "PG:dbname=gis password=geheim";
    s.sql = "SELECT 1";
    CHECK(s.display() == "PG:dbname=gis (sql SELECT 1)");
}

TEST_CASE("[output] postgis needs a PG: connection and a plain schema of our own", "[conninfo][project]") {
    FlagSettings f;
    f.areas = {"buurt=x.gpkg,code=code"};
    f.postgis = "PG:dbname=gis";
    CHECK(project_from_settings(f).output.schema == "buurtbalans");
    for (const char* bad : {"public", "pg_temp", "Hoofd", "a-b", "1x", "topology"}) {
        f.schema = bad;
        CHECK_THROWS_AS(project_from_settings(f), config_error);
    }
    f.schema = "wijk_2024";
    CHECK(project_from_settings(f).output.schema == "wijk_2024");
    f.postgis = "host=db dbname=gis";
    CHECK_THROWS_AS(project_from_settings(f), config_error);
}
